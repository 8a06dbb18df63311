// Helpers for the event bus tests, where delivery may happen on another
// thread (the Redis bus's): wait for a condition with a deadline instead of
// sleeping, and record what a subscription receives.
#pragma once

#include <chrono>
#include <functional>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "events/event_bus.hpp"

namespace soundscripter::test {

// Checks `predicate` every few milliseconds until it holds or `timeout`
// passes; returns whether it held.
inline bool wait_until(const std::function<bool()>& predicate,
                       std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!predicate()) {
    if (std::chrono::steady_clock::now() >= deadline) return predicate();
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  return true;
}

// What one subscription received, safe to read while the bus delivers.
class EventLog {
 public:
  // A callback for subscribe(). With `only_jobs`, events of other jobs are
  // ignored: an all-jobs subscription on a shared Redis also sees other
  // test processes' jobs. (A resync to an all-jobs subscription has job "".)
  std::function<void(const JobEvent&)> recorder(std::set<std::string> only_jobs = {}) {
    return [this, only_jobs = std::move(only_jobs)](const JobEvent& event) {
      if (!only_jobs.empty() && !only_jobs.contains(event.job)) return;
      std::lock_guard lock(mutex_);
      events_.push_back(event);
    };
  }

  std::vector<JobEvent> events() const {
    std::lock_guard lock(mutex_);
    return events_;
  }
  std::size_t size() const { return events().size(); }

  // The seqs received for `job`, in arrival order.
  std::vector<std::int64_t> seqs(const std::string& job) const {
    std::vector<std::int64_t> result;
    for (const JobEvent& event : events()) {
      if (event.job == job) result.push_back(event.seq);
    }
    return result;
  }

  // Whether a kResyncEvent for `job` arrived.
  bool has_resync(const std::string& job) const {
    for (const JobEvent& event : events()) {
      if (event.type == kResyncEvent && event.job == job) return true;
    }
    return false;
  }

 private:
  mutable std::mutex mutex_;
  std::vector<JobEvent> events_;
};

// 1, 2, ..., n
inline std::vector<std::int64_t> seqs_up_to(std::int64_t n) {
  std::vector<std::int64_t> seqs;
  for (std::int64_t seq = 1; seq <= n; ++seq) seqs.push_back(seq);
  return seqs;
}

}  // namespace soundscripter::test
