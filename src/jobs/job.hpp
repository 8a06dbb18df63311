// A transcription job: what was asked, where its media is, and how far it got.
//
// States: queued -> processing -> completed | failed | cancelled; a retried
// job goes back to queued with its attempt count raised. Times are Unix
// seconds (doubles) so they print as JSON numbers, like every time in the API.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json_fwd.hpp>

namespace soundscripter {

enum class JobState { queued, processing, completed, failed, cancelled };
// Every state, in the enum's order (for loops and per-state counts).
inline constexpr std::array<JobState, 5> kAllJobStates = {
    JobState::queued, JobState::processing, JobState::completed, JobState::failed,
    JobState::cancelled};

std::string_view to_string(JobState state);
// Throws Error(invalid_argument) naming the value and the states there are.
JobState parse_job_state(std::string_view name);
bool is_terminal(JobState state);

// What the uploader asked for; the API's job fields, with the CLI's names.
struct JobRequest {
  std::string engine;            // "" = the server's default
  std::string model;             // "" = the server's default
  std::string language = "auto";
  bool translate = false;        // task=translate
  bool word_timestamps = false;
  bool vad = false;
  int beam_size = 0;             // 0 = the engine's default
  int best_of = 5;
  bool no_fallback = false;
  float temperature = 0;
  std::string prompt;
  int priority = 5;              // 0 (lowest) .. 9 (highest); low=2, normal=5, high=8
};

struct Job {
  std::string id;
  std::string owner;             // the API key's id that made it; "" without keys
  std::string name;              // a display name; the upload's file name by default
  JobState state = JobState::queued;
  JobRequest request;

  std::string media_path;        // where the upload is stored
  std::string media_filename;    // as uploaded
  std::string media_sha256;
  // A secret that opens this job's media only (GET /v1/jobs/{id}/media?
  // media_token=...), so a worker on another machine can fetch it without
  // an API key and without the API's disk. Never shown by the API.
  std::string media_token;
  std::uint64_t media_bytes = 0;
  double media_duration = 0;     // seconds, from the probe

  double progress = 0;           // 0..1
  int attempts = 0;              // runs started
  std::string error_code;        // set when failed
  std::string error_message;

  double created_at = 0;
  std::optional<double> started_at;
  std::optional<double> finished_at;
};

// The job as the API shows it (no media path).
nlohmann::json to_json(const Job& job);

// Seconds since the Unix epoch, now.
double unix_now();

}  // namespace soundscripter
