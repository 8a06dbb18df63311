// What a job message looks like on RabbitMQ: the ticket as JSON in the body,
// the priority as the AMQP priority, and one header of our own.
#pragma once

#include <chrono>
#include <optional>
#include <string_view>

#include <amqp.h>

#include "queue/job_ticket.hpp"

namespace soundscripter::rabbitmq {

// Set on a message we publish again after a delivery of it (retry_later,
// requeued dead letters): the broker sees a new message with the flag
// `redelivered` clear, but the job may have been started already.
inline constexpr std::string_view kRedeliveredHeader = "soundscripter-redelivered";

// A message to publish through the default exchange to the queue it names.
struct OutgoingMessage {
  std::string_view body;
  int priority = 0;                                     // 0..9, clamped
  bool marked_redelivered = false;                      // sets kRedeliveredHeader
  std::optional<std::chrono::milliseconds> expiration;  // per-message TTL
  // Have the broker return the message when no queue takes it (the queue
  // was deleted), instead of confirming it and dropping it.
  bool mandatory = false;
};

// What a received message carries besides its body.
struct MessageProperties {
  int priority = 0;
  bool marked_redelivered = false;
};
MessageProperties read_properties(const amqp_basic_properties_t& properties);

// The ticket in a message body. Throws Error(invalid_argument) saying why
// when the body is not JSON or not a ticket: such a message is dead-lettered.
JobTicket ticket_from_body(std::string_view body);

inline std::string_view as_view(amqp_bytes_t bytes) {
  return {static_cast<const char*>(bytes.bytes), bytes.len};
}

}  // namespace soundscripter::rabbitmq
