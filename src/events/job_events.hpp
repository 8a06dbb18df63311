// JobEvents: the one way the worker and the API record what happens to a
// job. Each event is stored first (JobStore::append_event gives it the
// job's next seq, so SSE clients can resume from the history) and then
// published on the bus, so a live client never sees an event that a
// resuming client could miss.
//
// Events of one job are appended and published under a lock for that job,
// so they reach subscribers in seq order even when a worker and the API
// (a cancel) record at the same time. Subscribers must therefore not call
// back into JobEvents from their callback (they only queue the event).
#pragma once

#include <array>
#include <chrono>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include <nlohmann/json.hpp>

#include "events/event_bus.hpp"
#include "jobs/job_store.hpp"
#include "transcript/transcript.hpp"
#include "util/error.hpp"

namespace soundscripter {

class JobEvents {
 public:
  using Clock = std::chrono::steady_clock;

  // clock: for the progress throttle; empty means steady_clock::now.
  JobEvents(JobStore& store, EventBus& bus, std::function<Clock::time_point()> clock = {});

  // {"state": "processing", ...extra}. Also restarts the job's progress
  // throttle, so a new attempt's progress is published from its start.
  JobEvent state(const std::string& job_id, JobState state,
                 const nlohmann::json& extra = nlohmann::json::object());

  // {"progress": 0.42, "percent": 42.0}, stored on the job too. Throttled,
  // since engines report far more often than anyone needs: it is stored
  // and published only when it rose: the first time since the job's last
  // state event, then by at least 1 % since the last published value, or
  // at all once a second has passed, and always on reaching 1.0 (once).
  // Values that fall back are dropped. Returns the event when there was one.
  std::optional<JobEvent> progress(const std::string& job_id, double fraction);

  // {"segment": {"start", "end", "text", "words"?}}, as segment_to_json.
  JobEvent segment(const std::string& job_id, const Segment& segment);

  // {"error": {"code", "message"}}, the API's error shape.
  JobEvent error(const std::string& job_id, std::string_view code, const std::string& message);
  JobEvent error(const std::string& job_id, const Error& error);

 private:
  struct Published {
    double fraction = 0;
    std::optional<Clock::time_point> at;
  };

  // Appends and publishes under the job's lock; the caller holds it.
  JobEvent record_locked(const std::string& job_id, const std::string& type, nlohmann::json data);
  std::mutex& lock_for(const std::string& job_id);
  bool should_publish_progress(const std::string& job_id, double fraction);
  void forget_progress(const std::string& job_id);

  JobStore& store_;
  EventBus& bus_;
  std::function<Clock::time_point()> clock_;
  // A lock per job would need cleaning up; a fixed set of stripes gives
  // per-job ordering with contention only between jobs that share one.
  std::array<std::mutex, 16> job_locks_;
  std::mutex throttle_mutex_;
  std::unordered_map<std::string, Published> last_progress_;  // jobs reporting progress now
};

}  // namespace soundscripter
