// Recording and publishing job events (see job_events.hpp for the order
// guarantee and the progress throttle).
#include "events/job_events.hpp"

#include <algorithm>
#include <cmath>

#include "transcript/transcript_json.hpp"

namespace soundscripter {
namespace {

constexpr double kProgressStep = 0.01;
constexpr auto kProgressInterval = std::chrono::seconds(1);
// 0.02 - 0.01 is a hair under 0.01 in doubles; a step that small still counts.
constexpr double kProgressSlack = 1e-9;

}  // namespace

JobEvents::JobEvents(JobStore& store, EventBus& bus, std::function<Clock::time_point()> clock)
    : store_(store), bus_(bus), clock_(std::move(clock)) {
  if (!clock_) clock_ = [] { return Clock::now(); };
}

JobEvent JobEvents::state(const std::string& job_id, JobState state, const nlohmann::json& extra) {
  nlohmann::json data = extra.is_object() ? extra : nlohmann::json::object();
  data["state"] = to_string(state);
  std::lock_guard lock(lock_for(job_id));
  forget_progress(job_id);
  return record_locked(job_id, "state", std::move(data));
}

std::optional<JobEvent> JobEvents::progress(const std::string& job_id, double fraction) {
  if (!std::isfinite(fraction)) return std::nullopt;
  fraction = std::clamp(fraction, 0.0, 1.0);
  std::lock_guard lock(lock_for(job_id));
  if (!should_publish_progress(job_id, fraction)) return std::nullopt;
  store_.set_progress(job_id, fraction);
  const double percent = std::round(fraction * 1000.0) / 10.0;
  return record_locked(job_id, "progress", {{"progress", fraction}, {"percent", percent}});
}

JobEvent JobEvents::segment(const std::string& job_id, const Segment& segment) {
  std::lock_guard lock(lock_for(job_id));
  return record_locked(job_id, "segment", {{"segment", segment_to_json(segment)}});
}

JobEvent JobEvents::error(const std::string& job_id, std::string_view code,
                          const std::string& message) {
  std::lock_guard lock(lock_for(job_id));
  return record_locked(job_id, "error", {{"error", {{"code", code}, {"message", message}}}});
}

JobEvent JobEvents::error(const std::string& job_id, const Error& error) {
  return this->error(job_id, to_string(error.code()), error.what());
}

JobEvent JobEvents::record_locked(const std::string& job_id, const std::string& type,
                                  nlohmann::json data) {
  JobEvent event = store_.append_event(job_id, type, std::move(data));
  bus_.publish(event);
  return event;
}

std::mutex& JobEvents::lock_for(const std::string& job_id) {
  return job_locks_[std::hash<std::string>{}(job_id) % job_locks_.size()];
}

bool JobEvents::should_publish_progress(const std::string& job_id, double fraction) {
  const Clock::time_point now = clock_();
  std::lock_guard lock(throttle_mutex_);
  Published& last = last_progress_[job_id];
  if (fraction <= last.fraction) return false;
  const bool finished = fraction >= 1.0;
  const bool stepped = fraction - last.fraction >= kProgressStep - kProgressSlack;
  const bool waited = !last.at || now - *last.at >= kProgressInterval;
  if (!finished && !stepped && !waited) return false;
  last = {fraction, now};
  return true;
}

void JobEvents::forget_progress(const std::string& job_id) {
  std::lock_guard lock(throttle_mutex_);
  last_progress_.erase(job_id);
}

}  // namespace soundscripter
