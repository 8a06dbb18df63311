// The JobReporter that writes to the job store and publishes on the bus
// (see job_reporter.hpp). Every step is a compare-and-set in the store, so
// a cancel from the API and a worker finishing at the same moment never
// both win, in one process or across many.
#include <algorithm>
#include <atomic>
#include <chrono>

#include <spdlog/spdlog.h>

#include "worker/job_reporter.hpp"
#include "worker/worker_heartbeat.hpp"

namespace soundscripter {
namespace {

bool is_cancel_event(const JobEvent& event) {
  return event.type == "state" && event.data.value("state", std::string()) == "cancelled";
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
    return {Start::Verdict::run, job ? job->attempts : 1};
  }

  void progress(const std::string& job_id, double fraction) override {
    events_.progress(job_id, fraction);
  }

  void segment(const std::string& job_id, const Segment& segment) override {
    events_.segment(job_id, segment);
  }

  bool completed(const std::string& job_id, const Transcript& transcript) override {
    store_.save_result(job_id, transcript);
    if (!store_.transition(job_id, {JobState::processing}, JobState::completed)) return false;
    events_.progress(job_id, 1.0);
    events_.state(job_id, JobState::completed,
                  {{"language", transcript.language}, {"duration", transcript.duration}});
    return true;
  }

  void failed(const std::string& job_id, ErrorCode code, const std::string& message) override {
    const std::string code_name(to_string(code));
    if (store_.transition(job_id, {JobState::processing}, JobState::failed, code_name, message)) {
      events_.error(job_id, code_name, message);
      events_.state(job_id, JobState::failed);
    }
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

  std::unique_ptr<Subscription> watch_cancel(const std::string& job_id,
                                             std::function<void()> on_cancel) override {
    auto fired = std::make_shared<std::atomic<bool>>(false);
    auto fire_once = [fired, on_cancel = std::move(on_cancel)] {
      if (!fired->exchange(true)) on_cancel();
    };
    auto subscription = bus_.subscribe(job_id, [fire_once](const JobEvent& event) {
      if (is_cancel_event(event)) fire_once();
    });
    // Subscribed first, then read: a cancel in between is seen either way.
    // A job that is gone (deleted) counts as cancelled.
    auto job = store_.get(job_id);
    if (!job || job->state == JobState::cancelled) fire_once();
    return subscription;
  }

 private:
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
