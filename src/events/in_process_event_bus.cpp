// The embedded mode's EventBus: callbacks run on the publisher's thread.
//
// Two promises shape it:
// - No callback runs after its Subscription's destructor returns, even when
//   another thread is publishing at that moment: each subscriber records
//   which threads are inside its callback, and the destructor waits for
//   them (except its own thread, so a callback may unsubscribe itself).
// - Publishing holds no lock while a callback runs, so callbacks may
//   subscribe, unsubscribe or publish: the subscriber list is copy-on-write
//   (publish takes a snapshot under the lock and walks it unlocked).
// A callback that throws is logged and skipped; the publisher (a worker
// running a job) and the other subscribers carry on.
#include <algorithm>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#include <spdlog/spdlog.h>

#include "events/event_bus.hpp"

namespace soundscripter {
namespace {

struct Subscriber {
  Subscriber(std::string job_filter, std::function<void(const JobEvent&)> callback)
      : job(std::move(job_filter)), on_event(std::move(callback)) {}

  const std::string job;  // "" = every job
  const std::function<void(const JobEvent&)> on_event;
  std::mutex mutex;
  std::condition_variable no_other_callers;
  bool subscribed = true;
  std::vector<std::thread::id> calling;  // threads inside on_event now
};

using SubscriberList = std::vector<std::shared_ptr<Subscriber>>;

struct BusState {
  std::mutex mutex;
  std::shared_ptr<const SubscriberList> subscribers = std::make_shared<const SubscriberList>();
};

// Calls the subscriber unless it has unsubscribed, keeping the thread in
// `calling` meanwhile so the Subscription's destructor can wait for it.
void deliver(Subscriber& subscriber, const JobEvent& event) {
  const std::thread::id self = std::this_thread::get_id();
  {
    std::lock_guard lock(subscriber.mutex);
    if (!subscriber.subscribed) return;
    subscriber.calling.push_back(self);
  }
  try {
    subscriber.on_event(event);
  } catch (const std::exception& e) {
    spdlog::warn("event subscriber failed on job {} event {}: {}", event.job, event.seq, e.what());
  } catch (...) {
    spdlog::warn("event subscriber failed on job {} event {}", event.job, event.seq);
  }
  {
    std::lock_guard lock(subscriber.mutex);
    subscriber.calling.erase(std::find(subscriber.calling.begin(), subscriber.calling.end(), self));
  }
  subscriber.no_other_callers.notify_all();
}

class InProcessSubscription final : public Subscription {
 public:
  InProcessSubscription(std::weak_ptr<BusState> bus, std::shared_ptr<Subscriber> subscriber)
      : bus_(std::move(bus)), subscriber_(std::move(subscriber)) {}

  ~InProcessSubscription() override {
    if (auto bus = bus_.lock()) {  // the bus may be gone first at shutdown
      std::lock_guard lock(bus->mutex);
      auto remaining = std::make_shared<SubscriberList>(*bus->subscribers);
      std::erase(*remaining, subscriber_);
      bus->subscribers = std::move(remaining);
    }
    // Publishers that took their snapshot before the erase may still be
    // about to call: `subscribed = false` stops them, and the wait covers
    // those already inside the callback on other threads.
    const std::thread::id self = std::this_thread::get_id();
    std::unique_lock lock(subscriber_->mutex);
    subscriber_->subscribed = false;
    subscriber_->no_other_callers.wait(lock, [&] {
      return std::all_of(subscriber_->calling.begin(), subscriber_->calling.end(),
                         [&](std::thread::id id) { return id == self; });
    });
  }

 private:
  std::weak_ptr<BusState> bus_;
  std::shared_ptr<Subscriber> subscriber_;
};

class InProcessEventBus final : public EventBus {
 public:
  void publish(const JobEvent& event) override {
    std::shared_ptr<const SubscriberList> snapshot;
    {
      std::lock_guard lock(state_->mutex);
      snapshot = state_->subscribers;
    }
    for (const auto& subscriber : *snapshot) {
      if (subscriber->job.empty() || subscriber->job == event.job) deliver(*subscriber, event);
    }
  }

  std::unique_ptr<Subscription> subscribe(const std::string& job,
                                          std::function<void(const JobEvent&)> on_event) override {
    auto subscriber = std::make_shared<Subscriber>(job, std::move(on_event));
    {
      std::lock_guard lock(state_->mutex);
      auto grown = std::make_shared<SubscriberList>(*state_->subscribers);
      grown->push_back(subscriber);
      state_->subscribers = std::move(grown);
    }
    return std::make_unique<InProcessSubscription>(state_, std::move(subscriber));
  }

  bool healthy() override { return true; }

 private:
  std::shared_ptr<BusState> state_ = std::make_shared<BusState>();
};

}  // namespace

std::unique_ptr<EventBus> make_in_process_event_bus() {
  return std::make_unique<InProcessEventBus>();
}

}  // namespace soundscripter
