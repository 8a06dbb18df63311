// Runs one job end to end from its ticket: get the media, transcribe it,
// and report state, progress, segments and the result as it goes. It never
// reads or writes the job store itself: everything goes through the
// JobReporter, so the same code runs in `serve` and in `soundscripter worker`.
#pragma once

#include <atomic>
#include <functional>
#include <stop_token>
#include <string>

#include "engine/audio_chunker.hpp"
#include "queue/job_ticket.hpp"
#include "queue/queue.hpp"
#include "worker/engine_cache.hpp"
#include "worker/job_reporter.hpp"
#include "worker/media_source.hpp"

namespace soundscripter {

enum class JobOutcome {
  completed,
  failed,
  cancelled,    // by a user: the job is done with
  interrupted,  // by shutdown: the job goes back to the queue
  retry,        // a failure that may pass: run it again later
  skipped,      // it was no longer queued (cancelled, deleted or done before it started)
  held_elsewhere,  // redelivered, but a live worker still runs it: look again later
  split,        // cut into chunk tickets for any worker; the job goes on without this run
};

// "completed", "failed", "cancelled", "interrupted", "retry", "skipped", "held_elsewhere", "split".
std::string_view to_string(JobOutcome outcome);

// What a finished run reports (for metrics).
struct JobRunReport {
  JobOutcome outcome;
  std::string engine;        // "whisper", "sphinx"; "" if it never got one
  double wall_seconds = 0;
  double audio_seconds = 0;  // transcribed
  int attempt = 0;           // which run of the job (or chunk) this was (0: never started)
  bool chunk = false;        // the run was one chunk of a split job
};

struct JobRunnerContext {
  JobReporter& reporter;
  MediaSource& media;
  EngineCache& engines;
  ChunkingOptions chunking;
  // Where a file longer than one chunk is split into chunk tickets, so its
  // chunks run on every free worker at once; null: run it whole here.
  Queue* split_into = nullptr;
  int threads_per_job = 4;
  // Runs of one job, the first included; a failure that may pass is
  // retried until then, and fails the job after.
  int max_attempts = 3;
  std::function<void(const JobRunReport&)> on_finished;  // optional
};

// `shutting_down` tells a stop caused by shutdown (requeue) from a cancel.
// `redelivered`: the queue says an earlier delivery was never acked.
JobRunReport run_job(const JobTicket& ticket, bool redelivered, JobRunnerContext& context,
                     std::stop_token stop, const std::atomic<bool>& shutting_down);

// Whether a failure with this code may pass on another try (a server or
// the network was away, an internal fault) rather than being the media's
// or the request's own (not media, corrupt, a model that is not there).
bool is_transient_failure(ErrorCode code);

// The engine options a job's request asks for.
EngineOptions engine_options_for(const JobRequest& request, int threads);

}  // namespace soundscripter
