// EventBus: carries job events from whoever runs a job to everyone watching.
//
// Embedded mode uses an in-process bus; distributed mode Redis pub/sub
// (channel soundscripter:jobs:{id}, one pattern subscription per process,
// fanned out to local subscribers by job). Subscribers are called on the
// publisher's thread (in-process) or the bus's thread (Redis) and must not
// block: an SSE session only queues the event onto its own strand.
//
// Delivery is at most once and, across processes, not necessarily in seq
// order: the store's history is the truth, and a subscriber that sees a
// gap in seq reads the missing events from it (see EventReplay). A bus
// that lost its connection (Redis restarted) and got it back tells every
// subscription so with one JobEvent of type kResyncEvent (seq 0, job = the
// subscription's job, or "" for an all-jobs one): whatever was published
// meanwhile is only in the store now.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "jobs/job_store.hpp"

namespace soundscripter {

inline constexpr const char* kResyncEvent = "resync";

class Subscription {
 public:
  virtual ~Subscription() = default;  // unsubscribes
};

class EventBus {
 public:
  virtual ~EventBus() = default;
  // Never throws. An event that cannot be sent now waits (Redis keeps a
  // bounded backlog and sends it once it is back); the store has every
  // event, and subscribers fill gaps from there.
  virtual void publish(const JobEvent& event) = 0;
  // The events of one job, or of every job when `job` is empty. Keep the
  // returned object as long as events should arrive; no callback runs after
  // its destructor returns.
  virtual std::unique_ptr<Subscription> subscribe(const std::string& job,
                                                  std::function<void(const JobEvent&)> on_event) = 0;
  virtual bool healthy() = 0;
};

std::unique_ptr<EventBus> make_in_process_event_bus();

// Distributed mode's bus, on the Redis at url
// (redis://[[user]:password@]host[:port][/db]). Throws Error(invalid_argument)
// for a malformed url. An unreachable Redis is not an error: the bus keeps
// reconnecting and healthy() is false meanwhile, so a process may start
// before its Redis. Returns after the first attempt to connect.
std::unique_ptr<EventBus> make_redis_event_bus(const std::string& url);

}  // namespace soundscripter
