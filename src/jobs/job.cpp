#include "jobs/job.hpp"

#include <chrono>

#include <nlohmann/json.hpp>

#include "util/error.hpp"

namespace soundscripter {

std::string_view to_string(JobState state) {
  switch (state) {
    case JobState::queued: return "queued";
    case JobState::processing: return "processing";
    case JobState::completed: return "completed";
    case JobState::failed: return "failed";
    case JobState::cancelled: return "cancelled";
  }
  return "queued";
}

JobState parse_job_state(std::string_view name) {
  for (JobState state : kAllJobStates) {
    if (to_string(state) == name) return state;
  }
  throw Error(ErrorCode::invalid_argument,
              "unknown job state '" + std::string(name) +
                  "' (states: queued, processing, completed, failed, cancelled)");
}

bool is_terminal(JobState state) {
  return state == JobState::completed || state == JobState::failed || state == JobState::cancelled;
}

double unix_now() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

nlohmann::json to_json(const Job& job) {
  auto optional_time = [](const std::optional<double>& t) {
    return t ? nlohmann::json(*t) : nlohmann::json(nullptr);
  };
  nlohmann::json out = {
      {"id", job.id},
      {"name", job.name},
      {"state", to_string(job.state)},
      {"progress", job.progress},
      {"attempts", job.attempts},
      {"created_at", job.created_at},
      {"started_at", optional_time(job.started_at)},
      {"finished_at", optional_time(job.finished_at)},
      {"media", {{"filename", job.media_filename},
                 {"bytes", job.media_bytes},
                 {"sha256", job.media_sha256},
                 {"duration", job.media_duration}}},
      {"request", {{"engine", job.request.engine},
                   {"model", job.request.model},
                   {"language", job.request.language},
                   {"task", job.request.translate ? "translate" : "transcribe"},
                   {"word_timestamps", job.request.word_timestamps},
                   {"vad", job.request.vad},
                   {"beam_size", job.request.beam_size > 0 ? nlohmann::json(job.request.beam_size) : nlohmann::json(nullptr)},
                   {"no_fallback", job.request.no_fallback},
                   {"priority", job.request.priority}}},
      {"error", job.state == JobState::failed
                    ? nlohmann::json{{"code", job.error_code}, {"message", job.error_message}}
                    : nlohmann::json(nullptr)},
  };
  return out;
}

}  // namespace soundscripter
