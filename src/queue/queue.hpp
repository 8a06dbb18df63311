// Queue: hands job tickets to workers, highest priority first.
//
// The contract is what a broker can do, so RabbitMQ (rabbitmq_queue.cpp)
// and the embedded mode's in-process queue (in_process_queue.cpp) fit
// behind the same calls and pass one contract test suite. A worker takes a
// delivery and acks it only after the job's outcome is stored, or rejects
// it (requeue, or drop: a dead letter on a broker), or asks for it again
// later. There is no "remove": a delivery whose job was cancelled or is
// already done meanwhile is acked and skipped by the worker.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <stop_token>
#include <string>

#include "queue/job_ticket.hpp"

namespace soundscripter {

class Delivery {
 public:
  virtual ~Delivery() = default;
  virtual const JobTicket& ticket() const = 0;
  // True when an earlier delivery of this message was never acked (its
  // worker died or lost its connection): the job may be left `processing`.
  virtual bool redelivered() const = 0;
  // Done with it: the job's outcome is stored. Never throws: a lost
  // connection means the broker redelivers, and the stale delivery is skipped.
  virtual void ack() = 0;
  // Not done: put it back now (requeue) or drop it (dead-lettered).
  virtual void reject(bool requeue) = 0;
  // Not done, try again after `delay` (a failure that may pass). The
  // message goes back with the same ticket.
  virtual void retry_later(std::chrono::milliseconds delay) = 0;
};

class Queue {
 public:
  virtual ~Queue() = default;

  // Throws Error(backend_unavailable) when the queue cannot take it now;
  // the job then stays in the store's outbox and is pushed again later.
  virtual void push(const JobTicket& ticket) = 0;

  // Blocks until a job is there or stop is requested (then returns
  // nothing). Throws Error(backend_unavailable) when the broker is gone;
  // the caller waits and calls again.
  virtual std::unique_ptr<Delivery> pop(std::stop_token stop) = 0;

  // Jobs waiting (not delivered), -1 when it cannot be known now.
  virtual std::int64_t depth() = 0;
  virtual bool healthy() = 0;
};

struct InProcessQueueOptions {
  // Anti-starvation: a waiting job's priority rises by one every this long,
  // up to 9 (zero or less: no aging). The bound this gives is below.
  std::chrono::milliseconds aging_step = std::chrono::seconds(60);
  // The clock waits are measured with; empty means steady_clock::now. Tests
  // pass a fake one to check aging without sleeping.
  std::function<std::chrono::steady_clock::time_point()> clock;
};

// The in-process queue: highest effective priority first, where
//   effective = min(9, priority + floor(time waited / aging_step)),
// and among equal effective priorities the job pushed first (so equal
// priorities are first-in first-out: the older one has waited longer).
// Within one base priority, owners (API keys, JobTicket::owner) take turns:
// the first waiting job of the owner served longest ago goes next, so a key
// with a thousand jobs waiting does not hold back another key's one job.
//
// Starvation bound: a job of priority p is overtaken by jobs pushed after it
// only during its first (9 - p) x aging_step of waiting (9 minutes for
// priority 0 with the default step). From then on its effective priority is
// 9, the cap, and it wins every tie against newer jobs, so only jobs pushed
// before it (and, at its own base priority, one job of each other owner per
// turn) can still go first. With the default step a priority-8 job
// pushed behind 50 priority-2 jobs goes next unless they have waited 6
// minutes already.
//
// Pushing a job (or a chunk of one, by run_key) that is already waiting changes nothing. A delivery rejected
// with requeue goes back to its old place (its original push time);
// retry_later puts it back after the delay; ack, reject(false) and dropping
// a delivery leave it gone, since in-process there is no broker to
// redeliver it (restart recovery re-queues jobs a dead process left in
// `processing`). pop returns nothing once stop is requested,
// even with jobs waiting, so a stopping worker takes no new job.
std::unique_ptr<Queue> make_in_process_queue(InProcessQueueOptions options = {});

}  // namespace soundscripter
