// The consuming side of a RabbitMQ job queue: one thread that owns one
// connection (rabbitmq-c connections are not thread-safe), reads deliveries
// into a ConsumerMailbox and carries out the acks, rejects and retries that
// workers post there.
//
// The thread starts on the first pop(), not before: a process that only
// pushes (the API) must not take deliveries it would never work on. It
// keeps reconnecting with backoff (100 ms doubling to 5 s) until the
// Consumer is destroyed, so consuming resumes by itself after a broker
// restart or after the broker closed the channel (consumer_timeout).
#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <stop_token>
#include <thread>

#include "queue/queue.hpp"
#include "queue/rabbitmq_connection.hpp"
#include "queue/rabbitmq_mailbox.hpp"
#include "queue/rabbitmq_topology.hpp"

namespace soundscripter::rabbitmq {

struct ConsumerSettings {
  int prefetch = 1;                     // unacked deliveries held at once
  std::chrono::seconds heartbeat{10};
  std::chrono::milliseconds timeout{3000};  // connect, login, each RPC
};

class Consumer {
 public:
  Consumer(Endpoint endpoint, QueueNames names, ConsumerSettings settings);
  // Stops the thread within about one read timeout and closes the
  // connection: deliveries not acked yet go back to the broker.
  ~Consumer();

  // Queue::pop: the next delivery, nothing once stop is requested; throws
  // Error(backend_unavailable) while the broker is unreachable.
  std::unique_ptr<Delivery> pop(std::stop_token stop);

 private:
  Endpoint endpoint_;
  QueueNames names_;
  ConsumerSettings settings_;
  std::shared_ptr<ConsumerMailbox> mailbox_ = std::make_shared<ConsumerMailbox>();
  std::once_flag started_;
  std::jthread thread_;
};

}  // namespace soundscripter::rabbitmq
