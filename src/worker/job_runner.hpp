// Runs one job end to end: decode its media, transcribe it, store the
// result, and publish state, progress and segments as it goes.
#pragma once

#include <functional>
#include <stop_token>
#include <string>

#include "engine/audio_chunker.hpp"
#include "events/job_events.hpp"
#include "jobs/job_store.hpp"
#include "worker/engine_cache.hpp"

namespace soundscripter {

enum class JobOutcome {
  completed,
  failed,
  cancelled,    // by a user: the job is done with
  interrupted,  // by shutdown: the job goes back to the queue
  skipped,      // it was no longer queued (cancelled or deleted before it started)
};

// "completed", "failed", "cancelled", "interrupted", "skipped".
std::string_view to_string(JobOutcome outcome);

// What a finished run reports (for metrics).
struct JobRunReport {
  JobOutcome outcome;
  std::string engine;        // "whisper", "sphinx"; "" if it never got one
  double wall_seconds = 0;
  double audio_seconds = 0;  // transcribed
};

struct JobRunnerContext {
  JobStore& store;
  JobEvents& events;
  EngineCache& engines;
  ChunkingOptions chunking;
  int threads_per_job = 4;
  std::function<void(const JobRunReport&)> on_finished;  // optional
};

// `shutting_down` tells a stop caused by shutdown (requeue) from a cancel.
JobOutcome run_job(const std::string& job_id, JobRunnerContext& context, std::stop_token stop,
                   const std::atomic<bool>& shutting_down);

// The engine options a job's request asks for.
EngineOptions engine_options_for(const JobRequest& request, int threads);

}  // namespace soundscripter
