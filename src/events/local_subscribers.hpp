// LocalSubscribers: this process's subscriptions, indexed by job. Both buses
// fan events out through it: the in-process bus on the publisher's thread,
// the Redis bus on its listener thread.
//
// Its promises, which both buses make:
// - No callback runs after its Subscription's destructor returns: each
//   subscriber records which threads are inside its callback and the
//   destructor waits for them (except its own thread, so a callback may
//   unsubscribe itself).
// - No lock is held while a callback runs (delivery walks a copy of the
//   matching subscribers), so callbacks may subscribe and unsubscribe.
// - A callback that throws is logged; the others still get the event.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "events/event_bus.hpp"

namespace soundscripter {

class LocalSubscribers : public std::enable_shared_from_this<LocalSubscribers> {
 public:
  struct Subscriber;

  // Owned by a shared_ptr: Subscriptions hold a weak one, so they may
  // outlive the bus.
  static std::shared_ptr<LocalSubscribers> create();

  // job "" = every job.
  std::unique_ptr<Subscription> add(const std::string& job, std::function<void(const JobEvent&)> on_event);

  // To the event's job's subscribers and the all-jobs ones.
  void deliver(const JobEvent& event);
  // To every subscriber, one kResyncEvent carrying its own job ("" for all-jobs ones).
  void deliver_resync();

 private:
  friend class LocalSubscription;
  LocalSubscribers() = default;

  void remove(const std::shared_ptr<Subscriber>& subscriber);

  std::mutex mutex_;
  std::unordered_map<std::string, std::vector<std::shared_ptr<Subscriber>>> by_job_;  // "" = all jobs
};

}  // namespace soundscripter
