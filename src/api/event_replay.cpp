#include "api/event_replay.hpp"

#include <spdlog/spdlog.h>

namespace soundscripter {

EventReplay::EventReplay(JobStore& store, Options options, Sink sink)
    : store_(store), options_(std::move(options)), sink_(std::move(sink)) {
  if (!options_.job.empty()) last_seq_[options_.job] = options_.after_seq;
}

void EventReplay::start(EventBus& bus) {
  std::weak_ptr<EventReplay> weak = weak_from_this();
  auto subscription = bus.subscribe(options_.job, [weak](const JobEvent& event) {
    if (auto self = weak.lock()) self->on_live(event);
  });
  std::vector<JobEvent> history;
  if (!options_.job.empty()) {
    history = store_.events_after(options_.job, options_.after_seq);
  } else if (options_.after_position) {
    for (JobEvent& event : store_.events_after_position(*options_.after_position, kMaxPositionReplay)) {
      if (options_.admit && options_.admit(event.job)) history.push_back(std::move(event));
    }
  }
  std::unique_ptr<Subscription> released;
  {
    std::lock_guard lock(mutex_);
    subscription_ = std::move(subscription);
    for (const auto& event : history) deliver(event);
    std::vector<JobEvent> held = std::move(held_);
    replaying_ = false;
    for (const auto& event : held) {
      if (event.type == kResyncEvent) resync(event.job);
      else deliver(event);
    }
    if (done_) released = finish_locked();
  }
  // Destroyed unlocked: unsubscribing waits for callbacks running on other
  // threads, which may be waiting for our mutex.
}

void EventReplay::stop() {
  std::unique_ptr<Subscription> released;
  std::lock_guard lock(mutex_);
  done_ = true;
  released = finish_locked();
}

std::int64_t EventReplay::last_seq() const {
  std::lock_guard lock(mutex_);
  auto found = last_seq_.find(options_.job);
  return found == last_seq_.end() ? 0 : found->second;
}

void EventReplay::on_live(const JobEvent& event) {
  if (options_.job.empty() && !event.job.empty() &&
      !(options_.admit && options_.admit(event.job))) {
    return;
  }
  std::unique_ptr<Subscription> released;
  {
    std::lock_guard lock(mutex_);
    if (done_) return;
    if (replaying_) {
      held_.push_back(event);
      return;
    }
    if (event.type == kResyncEvent) resync(event.job);
    else deliver(event);
    // A subscription cannot be destroyed from its own callback's lock scope
    // without care: hand it out and let it go after the lock.
    if (done_) released = finish_locked();
  }
}

void EventReplay::deliver(const JobEvent& event) {
  if (done_) return;
  auto [found, first_seen] = last_seq_.try_emplace(event.job, 0);
  std::int64_t& last = found->second;
  if (event.seq <= last) return;  // replayed already, or a duplicate
  // A gap: the events between are in the store (published by another
  // process, or lost by the bus). An every-job feed that meets a job for
  // the first time starts where the job is, not from its beginning.
  if (event.seq > last + 1 && !(first_seen && options_.job.empty())) {
    fill_from_store(event.job);
    if (done_ || event.seq <= last) return;
  }
  last = event.seq;
  if (!sink_(event)) done_ = true;
}

void EventReplay::fill_from_store(const std::string& job) {
  std::int64_t& last = last_seq_[job];
  std::vector<JobEvent> missed;
  try {
    missed = store_.events_after(job, last);
  } catch (const std::exception& error) {
    spdlog::warn("job {}: reading missed events: {}", job, error.what());
    return;
  }
  for (const auto& event : missed) {
    if (done_) return;
    if (event.seq <= last) continue;
    last = event.seq;
    if (!sink_(event)) done_ = true;
  }
}

void EventReplay::resync(const std::string& job) {
  if (!job.empty()) return fill_from_store(job);
  std::vector<std::string> known;
  for (const auto& [id, seq] : last_seq_) known.push_back(id);
  for (const auto& id : known) fill_from_store(id);
}

std::unique_ptr<Subscription> EventReplay::finish_locked() {
  held_.clear();
  return std::move(subscription_);
}

}  // namespace soundscripter
