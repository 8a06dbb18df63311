// JobReporter: the one narrow way a worker tells the world about a job.
//
// A worker knows a job only by its ticket. What it reports (started,
// progress, segment, completed with the transcript, failed with a reason,
// cancelled, requeued) is turned into state changes and events by whoever
// owns the job store. StoreJobReporter does that directly on a JobStore and
// EventBus: SQLite and the in-process bus in embedded mode, PostgreSQL and
// Redis in distributed mode, where every worker process shares the store.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "events/event_bus.hpp"
#include "events/job_events.hpp"
#include "jobs/job_store.hpp"
#include "transcript/transcript.hpp"
#include "util/error.hpp"

namespace soundscripter {

class JobReporter {
 public:
  virtual ~JobReporter() = default;

  struct Start {
    enum class Verdict {
      run,             // it is ours now: queued -> processing
      stale,           // not waiting any more (cancelled, deleted, done): ack and skip
      held_elsewhere,  // another live worker still runs it: look again later
    };
    Verdict verdict = Verdict::stale;
    int attempt = 0;   // with run: 1 for the first run
    // With run, for a whole job: its options as they are now. A retry may
    // have changed them since the ticket was made (and the old ticket may
    // still be on the queue), so these win over the ticket's.
    std::optional<JobRequest> request;
  };
  // The job starts: queued -> processing, or, for a redelivered message,
  // processing -> processing when the worker that held it stopped beating.
  virtual Start started(const std::string& job_id, bool redelivered) = 0;
  virtual void progress(const std::string& job_id, double fraction) = 0;
  virtual void segment(const std::string& job_id, const Segment& segment) = 0;
  // Stores the transcript, then moves the job to completed and says so, in
  // that order (a client that sees `completed` can fetch the transcript).
  // False when the job was cancelled meanwhile.
  virtual bool completed(const std::string& job_id, const Transcript& transcript) = 0;
  // `message` names the file as uploaded.
  // False when the job was no longer running (cancelled or deleted while
  // it failed, its media gone with it): then it did not fail.
  virtual bool failed(const std::string& job_id, ErrorCode code, const std::string& message) = 0;
  virtual void cancelled(const std::string& job_id) = 0;
  // Back to queued: shutdown, or a failure that may pass and is retried.
  virtual void requeued(const std::string& job_id, const std::string& reason) = 0;

  // A job split into chunks for many workers (job_chunk.hpp). split
  // stores the plan, or keeps the one stored by an earlier splitter and
  // puts back to queued its chunks that no live worker runs; it returns
  // the chunks as stored, whose ones not done need a ticket each.
  virtual std::vector<JobChunk> split(const std::string& job_id,
                                      const std::vector<AudioSpan>& spans) = 0;
  // A chunk starts: stale when the job is not processing any more or the
  // chunk is done; held_elsewhere when a live worker runs it.
  // `options` are the chunk ticket's: a ticket made for an earlier plan of
  // a job since retried with other options (it may still be on the queue)
  // is stale too.
  virtual Start chunk_started(const std::string& job_id, int index, const JobRequest& options) = 0;
  // Progress of one chunk; the job's is the share of its audio done.
  virtual void chunk_progress(const std::string& job_id, int index, double fraction) = 0;
  // For one run of a chunk: call the function returned with each segment
  // as the engine decodes it, in order, times relative to the chunk. They
  // go out as the job's events as soon as every chunk before this one has
  // sent its own, and are not sent again when it completes (chunk_segments.hpp).
  virtual std::function<void(const Segment&)> live_chunk_segments(const std::string& job_id,
                                                                  int index) = 0;
  // Stores the chunk's transcript, sends the job's segments in time order
  // as far as the done chunks allow, and completes the job (as completed()
  // does) when this was the last chunk. False when the job was cancelled
  // or failed meanwhile.
  virtual bool chunk_completed(const std::string& job_id, int index, const Transcript& transcript,
                               const std::string& requested_language) = 0;
  // Back to queued: shutdown, or a failure that may pass.
  virtual void chunk_requeued(const std::string& job_id, int index) = 0;

  // Calls `on_cancel` (once, on some other thread) when the job is
  // cancelled or fails, by anyone, anywhere; also at once when it already is.
  // Keep the returned object while the job runs.
  virtual std::unique_ptr<Subscription> watch_cancel(const std::string& job_id,
                                                     std::function<void()> on_cancel) = 0;
};

// Reports straight into the store and onto the bus through JobEvents.
// worker_id: this process's heartbeat id (its own jobs never count as held
// elsewhere).
std::unique_ptr<JobReporter> make_store_job_reporter(JobStore& store, JobEvents& events,
                                                     EventBus& bus, std::string worker_id);

}  // namespace soundscripter
