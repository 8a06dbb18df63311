// RedisLocalSubscribers: this process's subscriptions, indexed by job, that
// the Redis bus's thread hands each message to.
//
// It keeps the in-process bus's promises:
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

class RedisLocalSubscribers : public std::enable_shared_from_this<RedisLocalSubscribers> {
 public:
  struct Subscriber;

  // Owned by a shared_ptr: Subscriptions hold a weak one, so they may
  // outlive the bus.
  static std::shared_ptr<RedisLocalSubscribers> create();

  // job "" = every job.
  std::unique_ptr<Subscription> add(const std::string& job, std::function<void(const JobEvent&)> on_event);

  // To the event's job's subscribers and the all-jobs ones.
  void deliver(const JobEvent& event);
  // To every subscriber, one kResyncEvent carrying its own job ("" for all-jobs ones).
  void deliver_resync();

 private:
  friend class RedisLocalSubscription;
  RedisLocalSubscribers() = default;

  void remove(const std::shared_ptr<Subscriber>& subscriber);

  std::mutex mutex_;
  std::unordered_map<std::string, std::vector<std::shared_ptr<Subscriber>>> by_job_;  // "" = all jobs
};

}  // namespace soundscripter
