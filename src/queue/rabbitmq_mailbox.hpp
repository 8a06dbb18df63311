// The hand-over between a RabbitMQ consumer's thread and the worker threads.
//
// rabbitmq-c connections are not thread-safe, so one thread owns the
// consumer's connection and nobody else touches it: deliveries come out of
// it into this mailbox's buffer, where pop() waits for them, and acks,
// rejects and retries go into it as Settlements that the thread carries out
// between reads. A Delivery keeps the mailbox alive, so settling one after
// its queue is gone is harmless (it is dropped: the broker has requeued the
// message when the connection closed).
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <stop_token>
#include <string>
#include <utility>
#include <vector>

#include "queue/queue.hpp"

namespace soundscripter::rabbitmq {

// A delivery as the consumer thread read it.
struct ConsumedMessage {
  JobTicket ticket;
  std::string body;  // kept for retry_later, which publishes it again
  int priority = 0;
  bool redelivered = false;
  std::uint64_t delivery_tag = 0;
  // Which connection delivered it: a delivery tag means nothing on another
  // one, so settlements for an older connection are skipped.
  std::uint64_t connection_generation = 0;
};

struct Settlement {
  enum class Kind { ack, requeue, drop, retry_later };
  Kind kind = Kind::ack;
  std::uint64_t delivery_tag = 0;
  std::uint64_t connection_generation = 0;
  std::chrono::milliseconds delay{0};  // retry_later only
  std::string body;                    // retry_later only
  int priority = 0;                    // retry_later only
};

class ConsumerMailbox {
 public:
  // --- the consumer thread's side ---

  // Consuming on a new connection.
  void connected();
  // The connection is gone (`reason` is the Error's message): pop() throws
  // it until connected() again. Buffered deliveries are void; the broker
  // requeues them.
  void lost(const std::string& reason);
  void deliver(ConsumedMessage message);
  std::vector<Settlement> take_settlements();
  // Waits `how_long` unless stop is requested first (reconnect backoff).
  void pause(std::stop_token stop, std::chrono::milliseconds how_long);
  // The consumer has stopped: pop() returns nothing and later settlements
  // are dropped.
  void close();

  // --- the workers' side ---

  // The next delivery; nothing once stop is requested (even with one
  // buffered: a stopping worker takes no new job). Throws
  // Error(backend_unavailable) while the connection is down.
  std::optional<ConsumedMessage> take(std::stop_token stop);
  void settle(Settlement settlement);

 private:
  enum class State { connecting, consuming, down };

  std::mutex mutex_;
  std::condition_variable_any changed_;
  State state_ = State::connecting;
  std::string last_error_;
  bool closed_ = false;
  std::deque<ConsumedMessage> buffer_;
  std::vector<Settlement> settlements_;
};

// A Delivery whose ack, reject and retry_later go through `mailbox`; the
// first of them counts, later ones do nothing. None of them throws.
std::unique_ptr<Delivery> make_delivery(std::shared_ptr<ConsumerMailbox> mailbox, ConsumedMessage message);

}  // namespace soundscripter::rabbitmq
