#include "events/local_subscribers.hpp"

#include <algorithm>
#include <condition_variable>
#include <thread>

#include <spdlog/spdlog.h>

namespace soundscripter {

struct LocalSubscribers::Subscriber {
  Subscriber(std::string job_filter, std::function<void(const JobEvent&)> callback)
      : job(std::move(job_filter)), on_event(std::move(callback)) {}

  const std::string job;  // "" = every job
  const std::function<void(const JobEvent&)> on_event;
  std::mutex mutex;
  std::condition_variable no_other_callers;
  bool subscribed = true;
  std::vector<std::thread::id> calling;  // threads inside on_event now
};

namespace {

using Subscriber = LocalSubscribers::Subscriber;

// Calls the subscriber unless it has unsubscribed, keeping the thread in
// `calling` meanwhile so the Subscription's destructor can wait for it.
void call(Subscriber& subscriber, const JobEvent& event) {
  const std::thread::id self = std::this_thread::get_id();
  {
    std::lock_guard lock(subscriber.mutex);
    if (!subscriber.subscribed) return;
    subscriber.calling.push_back(self);
  }
  try {
    subscriber.on_event(event);
  } catch (const std::exception& e) {
    spdlog::warn("event subscriber failed on job {} event {} ({}): {}", event.job, event.seq, event.type,
                 e.what());
  } catch (...) {
    spdlog::warn("event subscriber failed on job {} event {} ({})", event.job, event.seq, event.type);
  }
  {
    std::lock_guard lock(subscriber.mutex);
    subscriber.calling.erase(std::find(subscriber.calling.begin(), subscriber.calling.end(), self));
  }
  subscriber.no_other_callers.notify_all();
}

}  // namespace

class LocalSubscription final : public Subscription {
 public:
  LocalSubscription(std::weak_ptr<LocalSubscribers> subscribers, std::shared_ptr<Subscriber> subscriber)
      : subscribers_(std::move(subscribers)), subscriber_(std::move(subscriber)) {}

  ~LocalSubscription() override {
    if (auto subscribers = subscribers_.lock()) subscribers->remove(subscriber_);
    // A delivery that copied the list before the removal may still be about
    // to call: `subscribed = false` stops it, and the wait covers a call
    // already running on the bus's thread.
    const std::thread::id self = std::this_thread::get_id();
    std::unique_lock lock(subscriber_->mutex);
    subscriber_->subscribed = false;
    subscriber_->no_other_callers.wait(lock, [&] {
      return std::all_of(subscriber_->calling.begin(), subscriber_->calling.end(),
                         [&](std::thread::id id) { return id == self; });
    });
  }

 private:
  std::weak_ptr<LocalSubscribers> subscribers_;
  std::shared_ptr<Subscriber> subscriber_;
};

std::shared_ptr<LocalSubscribers> LocalSubscribers::create() {
  return std::shared_ptr<LocalSubscribers>(new LocalSubscribers());
}

std::unique_ptr<Subscription> LocalSubscribers::add(const std::string& job,
                                                         std::function<void(const JobEvent&)> on_event) {
  auto subscriber = std::make_shared<Subscriber>(job, std::move(on_event));
  {
    std::lock_guard lock(mutex_);
    by_job_[job].push_back(subscriber);
  }
  return std::make_unique<LocalSubscription>(weak_from_this(), std::move(subscriber));
}

void LocalSubscribers::remove(const std::shared_ptr<Subscriber>& subscriber) {
  std::lock_guard lock(mutex_);
  const auto found = by_job_.find(subscriber->job);
  if (found == by_job_.end()) return;
  std::erase(found->second, subscriber);
  if (found->second.empty()) by_job_.erase(found);  // jobs come and go; keep the map small
}

void LocalSubscribers::deliver(const JobEvent& event) {
  std::vector<std::shared_ptr<Subscriber>> matching;
  {
    std::lock_guard lock(mutex_);
    if (const auto found = by_job_.find(event.job); found != by_job_.end()) matching = found->second;
    if (!event.job.empty()) {
      if (const auto all = by_job_.find(""); all != by_job_.end()) {
        matching.insert(matching.end(), all->second.begin(), all->second.end());
      }
    }
  }
  for (const auto& subscriber : matching) call(*subscriber, event);
}

void LocalSubscribers::deliver_resync() {
  std::vector<std::shared_ptr<Subscriber>> everyone;
  {
    std::lock_guard lock(mutex_);
    for (const auto& [job, subscribers] : by_job_) {
      everyone.insert(everyone.end(), subscribers.begin(), subscribers.end());
    }
  }
  for (const auto& subscriber : everyone) {
    call(*subscriber, JobEvent{subscriber->job, 0, kResyncEvent, nlohmann::json::object()});
  }
}

}  // namespace soundscripter
