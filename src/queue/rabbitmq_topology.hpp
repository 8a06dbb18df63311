// The three queues behind one RabbitMQ job queue, declared by whoever
// connects (publisher, consumer, the dead-letter tools), idempotently, so
// no set-up step can be forgotten and a broker that lost its definitions
// gets them back on the next reconnect.
//
//   NAME        the jobs: priorities 0..9; a message rejected without requeue
//               goes to NAME.dead
//   NAME.retry  retry_later parks a message here with a per-message TTL; when
//               it expires the broker dead-letters it back to NAME
//   NAME.dead   dead letters, kept until `soundscripter jobs requeue-dead`
//
// All go through the default exchange, so there are no exchanges or
// bindings to declare.
#pragma once

#include <cstdint>
#include <string>

#include "queue/rabbitmq_connection.hpp"

namespace soundscripter::rabbitmq {

struct QueueNames {
  explicit QueueNames(const std::string& name) : jobs(name), retry(name + ".retry"), dead(name + ".dead") {}
  std::string jobs;
  std::string retry;
  std::string dead;
};

// Declares the three queues (durable). A queue that exists with other
// arguments makes the broker close the channel: that throws, naming it.
void declare_topology(Connection& connection, const QueueNames& names);

// Messages ready (not delivered) in `queue`, by a passive declare.
std::int64_t ready_messages(Connection& connection, const std::string& queue);

}  // namespace soundscripter::rabbitmq
