// JobStore: where jobs, their results and their event history live.
//
// Implementations: SQLite (embedded mode, sqlite_job_store.cpp) and
// PostgreSQL (distributed mode, postgres_job_store.cpp, shared by every API
// and worker process), behind the same calls and one contract test suite.
// All methods are thread-safe, and every compare-and-set and every seq
// holds across processes, not only across threads.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "jobs/job.hpp"
#include "jobs/job_chunk.hpp"
#include "transcript/transcript.hpp"

namespace soundscripter {

struct JobQuery {
  std::optional<std::string> owner;   // only this owner's jobs
  std::optional<JobState> state;
  int limit = 20;                     // 1..100
  int offset = 0;
};

struct JobPage {
  std::vector<Job> jobs;              // newest first
  std::int64_t total = 0;             // matching jobs in all pages
};

// One event in a job's history, as published and as sent over SSE.
struct JobEvent {
  std::string job;
  std::int64_t seq = 0;               // rises by one per event of a job, from 1
  std::string type;                   // state | progress | segment | error
  nlohmann::json data;                // the type's fields
  // {"job", "seq", "type", ...data}
  nlohmann::json to_json() const;
};

// A worker process (or embedded mode's pool) as its heartbeat left it.
struct WorkerInfo {
  std::string id;                     // unique per process start
  std::string host;
  int slots = 0;
  int busy = 0;
  std::vector<std::string> jobs;      // running now
  std::vector<std::string> engines;   // "whisper:base.en", "sphinx"
  double started_at = 0;
  double last_beat = 0;               // set by the store to now on every beat
};
nlohmann::json to_json(const WorkerInfo& worker);

class JobStore {
 public:
  virtual ~JobStore() = default;

  virtual void create(const Job& job) = 0;
  virtual std::optional<Job> get(const std::string& id) = 0;
  virtual JobPage list(const JobQuery& query) = 0;

  // Moves a job to `to` only if it is now in one of `from` (compare and set,
  // so a cancel and a worker finishing never both win). Sets started_at on
  // processing (and raises attempts), finished_at on terminal states, and the
  // error fields on failed. Returns false when the job was not in `from`.
  virtual bool transition(const std::string& id, std::vector<JobState> from, JobState to,
                          const std::string& error_code = {},
                          const std::string& error_message = {}) = 0;
  // A retry: like transition(id, from, queued), and in the same step the
  // job takes `request` (its options, changed or not) and forgets its chunk
  // plan and what was done of it, so the new run sends every segment again.
  virtual bool requeue_with_request(const std::string& id, std::vector<JobState> from,
                                    const JobRequest& request) = 0;
  virtual void set_progress(const std::string& id, double progress) = 0;
  virtual void set_media_duration(const std::string& id, double seconds) = 0;

  virtual void save_result(const std::string& id, const Transcript& transcript) = 0;
  virtual std::optional<Transcript> result(const std::string& id) = 0;

  // Gives the event the job's next seq, stores it, and returns it.
  virtual JobEvent append_event(const std::string& job, const std::string& type,
                                nlohmann::json data) = 0;
  // The job's events with seq > after_seq, oldest first.
  virtual std::vector<JobEvent> events_after(const std::string& job, std::int64_t after_seq) = 0;

  // Every job's events in one order, that of their commits: each event also
  // gets a position, rising across all jobs (so a client of every job's
  // events resumes where it left off). The position of one event (none
  // when it is gone, or older than positions), and the events after a
  // position, oldest first, at most `limit`.
  virtual std::optional<std::int64_t> event_position(const std::string& job, std::int64_t seq) = 0;
  virtual std::vector<JobEvent> events_after_position(std::int64_t position, int limit) = 0;

  // The outbox: a job is created unpublished, pushed onto the queue, then
  // marked published. Jobs created before `created_before` and still
  // unpublished (the broker was down, or the process died in between) are
  // pushed again by the API; oldest first, at most `limit`.
  virtual std::vector<Job> unpublished(double created_before, int limit) = 0;
  virtual void mark_published(const std::string& id) = 0;

  // Worker heartbeats: beat_worker inserts or replaces the worker's row
  // (last_beat = now); live_workers lists those that beat at or after
  // `since`, by id; forget_worker removes one (a clean stop).
  virtual void beat_worker(const WorkerInfo& worker) = 0;
  virtual std::vector<WorkerInfo> live_workers(double since) = 0;
  virtual void forget_worker(const std::string& id) = 0;

  // A job split into chunks (job_chunk.hpp). split_job stores the plan when
  // the job has none yet and returns the chunks as stored: a job split again
  // (its first splitter died) keeps its first plan and what was done of it.
  virtual std::vector<JobChunk> split_job(const std::string& job,
                                          const std::vector<AudioSpan>& spans) = 0;
  // The job's chunks in order, with the transcripts of those done when
  // `transcripts` is set; none when it was never split.
  virtual std::vector<JobChunk> chunks(const std::string& job, bool transcripts = true) = 0;
  // Compare and set, as transition(): processing starts a new attempt
  // (attempts + 1, progress 0), queued forgets the run's progress, done
  // needs the transcript (stored with it, progress 1) and leaves `from`
  // empty of done.
  virtual bool transition_chunk(const std::string& job, int index, std::vector<ChunkState> from,
                                ChunkState to, const Transcript* transcript = nullptr) = 0;
  virtual void set_chunk_progress(const std::string& job, int index, double progress) = 0;
  // Moves a done chunk's segments from `from` to `to` (compare and set).
  // unsent -> sending also needs the chunk before it to be `sent` (or the
  // chunk to be the first), so one sender at a time sends in time order.
  virtual bool advance_chunk_segments(const std::string& job, int index, ChunkSegments from,
                                      ChunkSegments to) = 0;
  // Raises a running chunk's count of segments sent live from `from` to
  // `to` (compare and set): only while it is processing, its segments
  // unsent, and the chunk before it has sent all of its own, so live
  // segments go out in time order too, and never after its completion
  // took over the sending.
  virtual bool advance_live_segments(const std::string& job, int index, int from, int to) = 0;

  // At start-up, embedded mode only: jobs left `processing` by a process
  // that died go back to `queued`. Returns them, oldest first, to be queued
  // again. (In distributed mode the broker redelivers a dead worker's jobs.)
  virtual std::vector<Job> requeue_interrupted() = 0;
  // Queued jobs, oldest first (to fill the in-process queue at start-up;
  // embedded mode only: a broker keeps its own messages).
  virtual std::vector<Job> queued_jobs() = 0;
  // Finished jobs (terminal states) whose finished_at is before `before`.
  virtual std::vector<Job> finished_before(double before) = 0;

  // Deletes the job, its result, its events and its chunks.
  virtual void remove(const std::string& id) = 0;

  // Jobs per state, for /metrics.
  virtual std::vector<std::pair<JobState, std::int64_t>> count_by_state() = 0;
  // Queued jobs per priority 0..9 (zeros included), for /metrics.
  virtual std::vector<std::pair<int, std::int64_t>> count_queued_by_priority() = 0;
  // Jobs completed at or after `since` (the workers view's jobs per minute).
  virtual std::int64_t count_completed_since(double since) = 0;
  // Runs beyond the first, of jobs and of chunks (a retry after a failure
  // that may pass, or a redelivery after a worker was lost), for /metrics.
  virtual std::int64_t reruns() = 0;
  // Whether the store answers (for /readyz).
  virtual bool healthy() = 0;
};

// The SQLite store in WAL mode at `path` (created with its schema if new;
// migrations run in order). Throws Error(backend_unavailable) if it cannot open.
std::unique_ptr<JobStore> make_sqlite_job_store(const std::string& path);

// The PostgreSQL store at `url` (a libpq URL, postgresql://user:password@
// host:port/dbname), with at most `connections` connections at once; its
// schema is created or migrated first. Errors name the database as
// postgresql://host:port/dbname, never with the password. Throws
// Error(backend_unavailable) if it cannot connect; later calls do too while
// the server is down, and work again once it is back.
std::unique_ptr<JobStore> make_postgres_job_store(const std::string& url, int connections = 4);

}  // namespace soundscripter
