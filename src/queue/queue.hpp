// Queue: hands job ids to workers, highest priority first.
//
// Delivery follows AMQP's shape so the RabbitMQ implementation fits behind
// the same calls: a worker takes a delivery, and acks it only after the
// result is stored, or rejects it (requeue or not). The in-process queue
// (in_process_queue.cpp) is the embedded mode's and the tests' fake.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <stop_token>
#include <string>

namespace soundscripter {

class Delivery {
 public:
  virtual ~Delivery() = default;
  virtual const std::string& job_id() const = 0;
  virtual int priority() const = 0;
  // Done with it: the job's outcome is stored.
  virtual void ack() = 0;
  // Not done: put it back (requeue) or drop it (a dead letter in RabbitMQ).
  virtual void reject(bool requeue) = 0;
};

class Queue {
 public:
  virtual ~Queue() = default;

  // priority: 0 (lowest) .. 9 (highest).
  virtual void push(const std::string& job_id, int priority) = 0;

  // Blocks until a job is there or stop is requested (then returns nothing).
  virtual std::unique_ptr<Delivery> pop(std::stop_token stop) = 0;

  // Takes a job that has not been delivered out of the queue (cancel).
  // Returns false if it was not waiting.
  virtual bool remove(const std::string& job_id) = 0;

  // Jobs waiting (not delivered).
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
//
// Starvation bound: a job of priority p is overtaken by jobs pushed after it
// only during its first (9 - p) x aging_step of waiting (9 minutes for
// priority 0 with the default step). From then on its effective priority is
// 9, the cap, and it wins every tie against newer jobs, so only jobs pushed
// before it can still go first. With the default step a priority-8 job
// pushed behind 50 priority-2 jobs goes next unless they have waited 6
// minutes already.
//
// Pushing a job that is already waiting changes nothing. A delivery rejected
// with requeue goes back to its old place (its original push time); ack,
// reject(false) and dropping a delivery leave it gone, since in-process
// there is no broker to redeliver it (restart recovery re-queues jobs a dead
// process left in `processing`). pop returns nothing once stop is requested,
// even with jobs waiting, so a stopping worker takes no new job.
std::unique_ptr<Queue> make_in_process_queue(InProcessQueueOptions options = {});

}  // namespace soundscripter
