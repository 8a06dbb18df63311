// The JobReporter that writes to the job store and publishes on the bus
// (see job_reporter.hpp). Every step is a compare-and-set in the store, so
// a cancel from the API and a worker finishing at the same moment never
// both win, in one process or across many.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <memory>

#include <spdlog/spdlog.h>

#include "engine/media_transcription.hpp"
#include "queue/job_ticket.hpp"
#include "worker/chunk_segments.hpp"
#include "jobs/job_request_json.hpp"
#include "worker/job_reporter.hpp"
#include "worker/worker_heartbeat.hpp"

namespace soundscripter {
namespace {

// Whether a chunk ticket's options are the job's as they are now. Chunks
// carry the language detected in the first one, so the language counts
// only where the job names one.
bool made_for(const JobRequest& chunk_options, const JobRequest& job_options) {
  JobRequest chunk = chunk_options;
  if (job_options.language.empty() || job_options.language == "auto") chunk.language = job_options.language;
  return job_request_to_json(chunk) == job_request_to_json(job_options);
}


// The job ended for everyone running a part of it: cancelled by a user,
// or failed (in a split job, one chunk's failure is the job's).
bool is_stop_event(const JobEvent& event) {
  if (event.type != "state") return false;
  const std::string state = event.data.value("state", std::string());
  return state == "cancelled" || state == "failed";
}

class StoreJobReporter final : public JobReporter {
 public:
  StoreJobReporter(JobStore& store, JobEvents& events, EventBus& bus, std::string worker_id)
      : store_(store), events_(events), bus_(bus), worker_id_(std::move(worker_id)) {}

  Start started(const std::string& job_id, bool redelivered) override {
    std::vector<JobState> from{JobState::queued};
    if (redelivered) {
      // The message came back because its consumer went away, but a worker
      // that only lost its broker connection may still be running the job.
      if (held_by_live_worker(job_id)) return {Start::Verdict::held_elsewhere, 0};
      from.push_back(JobState::processing);
    }
    if (!store_.transition(job_id, from, JobState::processing)) return {Start::Verdict::stale, 0};
    events_.state(job_id, JobState::processing);
    auto job = store_.get(job_id);
    if (!job) return {Start::Verdict::run, 1};
    return {Start::Verdict::run, job->attempts, job->request};
  }

  void progress(const std::string& job_id, double fraction) override {
    events_.progress(job_id, fraction);
  }

  void segment(const std::string& job_id, const Segment& segment) override {
    events_.segment(job_id, segment);
  }

  bool completed(const std::string& job_id, const Transcript& transcript) override {
    try {
      store_.save_result(job_id, transcript);
    } catch (const Error&) {
      // Deleted while its result was being saved (the row it belongs to is
      // gone): not a failure, the job was cancelled.
      if (!still_running(job_id)) return false;
      throw;
    }
    if (!store_.transition(job_id, {JobState::processing}, JobState::completed)) return false;
    events_.progress(job_id, 1.0);
    events_.state(job_id, JobState::completed,
                  {{"language", transcript.language}, {"duration", transcript.duration}});
    return true;
  }

  bool failed(const std::string& job_id, ErrorCode code, const std::string& message) override {
    const std::string code_name(to_string(code));
    if (!store_.transition(job_id, {JobState::processing}, JobState::failed, code_name, message)) return false;
    events_.error(job_id, code_name, message);
    events_.state(job_id, JobState::failed);
    return true;
  }

  void cancelled(const std::string& job_id) override {
    if (store_.transition(job_id, {JobState::processing}, JobState::cancelled)) {
      events_.state(job_id, JobState::cancelled);
    }
  }

  void requeued(const std::string& job_id, const std::string& reason) override {
    if (store_.transition(job_id, {JobState::processing}, JobState::queued)) {
      events_.state(job_id, JobState::queued, {{"reason", reason}});
    }
  }

  std::vector<JobChunk> split(const std::string& job_id,
                              const std::vector<AudioSpan>& spans) override {
    std::vector<JobChunk> chunks = store_.split_job(job_id, spans);
    for (JobChunk& chunk : chunks) {
      // Left processing by a worker that is gone (the splitter before us died
      // with it, or the whole process was restarted): runnable again.
      if (chunk.state == ChunkState::processing &&
          !held_by_live_worker(chunk_run_key(job_id, chunk.index)) &&
          store_.transition_chunk(job_id, chunk.index, {ChunkState::processing}, ChunkState::queued)) {
        chunk.state = ChunkState::queued;
      }
    }
    return chunks;
  }

  Start chunk_started(const std::string& job_id, int index, const JobRequest& options) override {
    auto job = store_.get(job_id);
    if (!job || job->state != JobState::processing) return {Start::Verdict::stale, 0};
    if (!made_for(options, job->request)) return {Start::Verdict::stale, 0};
    if (!store_.transition_chunk(job_id, index, {ChunkState::queued}, ChunkState::processing)) {
      // Done, or running: by a live worker, or by one that died with it
      // (then its ticket came back, and this is it).
      if (held_by_live_worker(chunk_run_key(job_id, index))) return {Start::Verdict::held_elsewhere, 0};
      if (!store_.transition_chunk(job_id, index, {ChunkState::processing}, ChunkState::processing)) {
        return {Start::Verdict::stale, 0};
      }
    }
    for (const JobChunk& chunk : store_.chunks(job_id, /*transcripts=*/false)) {
      if (chunk.index == index) return {Start::Verdict::run, chunk.attempts};
    }
    return {Start::Verdict::stale, 0};
  }

  void chunk_progress(const std::string& job_id, int index, double fraction) override {
    store_.set_chunk_progress(job_id, index, fraction);
    double done = 0;
    double total = 0;
    for (const JobChunk& chunk : store_.chunks(job_id, /*transcripts=*/false)) {
      done += chunk.progress * static_cast<double>(chunk.span.sample_count);
      total += static_cast<double>(chunk.span.sample_count);
    }
    if (total > 0) events_.progress(job_id, done / total);
  }

  std::function<void(const Segment&)> live_chunk_segments(const std::string& job_id,
                                                          int index) override {
    auto live = std::make_shared<LiveChunkSegments>(store_, events_, job_id, index);
    return [live](const Segment& segment) { live->add(segment); };
  }

  bool chunk_completed(const std::string& job_id, int index, const Transcript& transcript,
                       const std::string& requested_language) override {
    // From queued too: a splitter that found this chunk's worker gone put it
    // back meanwhile; the first result stored is the one kept.
    if (!store_.transition_chunk(job_id, index, {ChunkState::queued, ChunkState::processing},
                                 ChunkState::done, &transcript)) {
      return still_running(job_id);
    }
    send_chunk_segments(store_, events_, job_id);
    std::vector<JobChunk> chunks = store_.chunks(job_id);
    const bool all_done = std::all_of(chunks.begin(), chunks.end(), [](const JobChunk& chunk) {
      return chunk.state == ChunkState::done;
    });
    if (!all_done) {
      return still_running(job_id);
    }
    // Another chunk's worker may still be sending its segments: they go out
    // before `completed`, which ends every client's stream.
    wait_for_chunk_segments(store_, events_, job_id);
    std::vector<SpanTranscript> parts;
    for (const JobChunk& chunk : chunks) parts.push_back({chunk.span, &*chunk.transcript});
    return completed(job_id, stitch_spans(parts, requested_language));
  }

  void chunk_requeued(const std::string& job_id, int index) override {
    store_.transition_chunk(job_id, index, {ChunkState::processing}, ChunkState::queued);
  }

  std::unique_ptr<Subscription> watch_cancel(const std::string& job_id,
                                             std::function<void()> on_cancel) override {
    auto fired = std::make_shared<std::atomic<bool>>(false);
    auto fire_once = [fired, on_cancel = std::move(on_cancel)] {
      if (!fired->exchange(true)) on_cancel();
    };
    auto subscription = bus_.subscribe(job_id, [fire_once](const JobEvent& event) {
      if (is_stop_event(event)) fire_once();
    });
    // Subscribed first, then read: a cancel in between is seen either way.
    // A job that is gone (deleted) counts as cancelled.
    auto job = store_.get(job_id);
    if (!job || job->state == JobState::cancelled || job->state == JobState::failed) fire_once();
    return subscription;
  }

 private:
  // Whether the job is still processing: not cancelled, not deleted.
  bool still_running(const std::string& job_id) {
    const auto job = store_.get(job_id);
    return job && job->state == JobState::processing;
  }

  // job_id: a run key (job_ticket.hpp), as heartbeats list them.
  bool held_by_live_worker(const std::string& job_id) {
    const double since = unix_now() - std::chrono::duration<double>(kWorkerGoneAfter).count();
    for (const WorkerInfo& worker : store_.live_workers(since)) {
      if (worker.id == worker_id_) continue;
      if (std::find(worker.jobs.begin(), worker.jobs.end(), job_id) != worker.jobs.end()) return true;
    }
    return false;
  }

  JobStore& store_;
  JobEvents& events_;
  EventBus& bus_;
  std::string worker_id_;
};

}  // namespace

std::unique_ptr<JobReporter> make_store_job_reporter(JobStore& store, JobEvents& events,
                                                     EventBus& bus, std::string worker_id) {
  return std::make_unique<StoreJobReporter>(store, events, bus, std::move(worker_id));
}

}  // namespace soundscripter
