// EventBus: carries job events from whoever runs a job to everyone watching.
//
// Embedded mode uses an in-process bus; distributed mode Redis pub/sub
// (channel soundscripter:jobs:{id}). Subscribers are called on the
// publisher's thread (in-process) or the bus's thread (Redis) and must not
// block: an SSE session only queues the event onto its own strand.
#pragma once

#include <functional>
#include <memory>

#include "jobs/job_store.hpp"

namespace soundscripter {

class Subscription {
 public:
  virtual ~Subscription() = default;  // unsubscribes
};

class EventBus {
 public:
  virtual ~EventBus() = default;
  virtual void publish(const JobEvent& event) = 0;
  // Every event of every job; filter in the callback. Keep the returned
  // object as long as events should arrive.
  virtual std::unique_ptr<Subscription> subscribe(std::function<void(const JobEvent&)> on_event) = 0;
  virtual bool healthy() = 0;
};

std::unique_ptr<EventBus> make_in_process_event_bus();

}  // namespace soundscripter
