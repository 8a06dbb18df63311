// The Queue on RabbitMQ (rabbitmq-c), for running API and workers as
// separate processes.
//
// Jobs go to a durable priority queue through the default exchange,
// persistent and with publisher confirms, so a push that returns is on the
// broker's disk. A worker process consumes with manual acks and a prefetch
// of its slots; a worker that dies hands its unacked jobs back through the
// broker. retry_later parks a copy in NAME.retry until a per-message TTL
// sends it back; messages that are not tickets go to NAME.dead. The
// queues, their arguments and why are in rabbitmq_topology.hpp.
//
// Differences from the in-process queue, all broker behaviour: there is no
// aging (priorities are strict; equal ones are first in, first out), a
// delivery dropped without ack comes back only when the consumer's
// connection closes, and pushing a job that is already waiting adds a
// second message (the worker skips a job that is not `queued`). NAME.retry
// expires messages only from its head, so a long retry delay holds back a
// shorter one queued behind it; the worker pool uses one delay for all.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "queue/queue.hpp"

namespace soundscripter {

struct RabbitQueueOptions {
  std::string url;                          // amqp://user:pass@host:port/vhost
  std::string name = "soundscripter.jobs";  // queues: NAME, NAME.retry, NAME.dead
  int prefetch = 1;                         // unacked deliveries this consumer may hold (a worker's slots)
  std::chrono::seconds heartbeat{10};       // AMQP heartbeat: a dead peer is noticed in seconds
};

// Connects lazily: the broker may be down at start (push throws, pop
// throws and reconnects in the background). Throws Error(invalid_argument)
// only for a URL it cannot use.
std::unique_ptr<Queue> make_rabbitmq_queue(RabbitQueueOptions options);

// Dead letters: count them, and put them all back on the jobs queue (for `soundscripter jobs requeue-dead`).
// Both throw Error(backend_unavailable) when the broker cannot be reached.
// Requeueing moves each dead letter that is a job ticket back to NAME (marked
// redelivered) and returns how many it moved; one that is still not a
// ticket stays in NAME.dead, logged with the reason.
std::int64_t rabbitmq_dead_letter_count(const RabbitQueueOptions& options);
// before_requeue (optional) runs for each ticket before it moves; when it
// throws, that message stays in NAME.dead.
std::int64_t rabbitmq_requeue_dead_letters(
    const RabbitQueueOptions& options, const std::function<void(const JobTicket&)>& before_requeue = {});

}  // namespace soundscripter
