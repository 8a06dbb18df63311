#include "worker/worker_pool.hpp"

#include <condition_variable>

#include <spdlog/spdlog.h>

#include "util/error.hpp"
#include "worker/worker_heartbeat.hpp"

namespace soundscripter {

WorkerPool::WorkerPool(WorkerPoolOptions options, Queue& queue, JobRunnerContext context)
    : options_(options), queue_(queue), context_(context) {
  options_.slots = std::max(1, options_.slots);
}

WorkerPool::~WorkerPool() { stop(); }

void WorkerPool::start() {
  for (int i = 0; i < options_.slots; ++i) {
    threads_.emplace_back([this](std::stop_token stop) { work(stop); });
  }
}

void WorkerPool::stop(std::chrono::milliseconds grace) {
  if (threads_.empty()) return;
  accepting_ = false;
  const auto deadline = std::chrono::steady_clock::now() + grace;
  while (busy_ > 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  shutting_down_ = true;
  threads_.clear();  // each jthread is asked to stop, which stops its job, then joined
}

std::vector<std::string> WorkerPool::running_jobs() const {
  std::lock_guard lock(running_mutex_);
  std::vector<std::string> ids;
  for (const auto& [id, count] : running_) ids.push_back(id);
  return ids;
}

std::chrono::milliseconds WorkerPool::backoff(int attempt) const {
  auto delay = options_.retry_delay;
  for (int i = 1; i < attempt && delay < options_.max_retry_delay; ++i) delay *= 2;
  return std::min(delay, options_.max_retry_delay);
}

void WorkerPool::settle(Delivery& delivery, const JobRunReport& report) {
  switch (report.outcome) {
    case JobOutcome::interrupted:
      delivery.reject(/*requeue=*/true);
      break;
    case JobOutcome::retry:
      delivery.retry_later(backoff(report.attempt));
      break;
    case JobOutcome::held_elsewhere:
      delivery.retry_later(kHeartbeatInterval * 5);
      break;
    case JobOutcome::failed:
      // The broker keeps the message of every failed job in its dead-letter
      // queue, from where `soundscripter jobs requeue-dead` runs it again.
      delivery.reject(/*requeue=*/false);
      break;
    default:
      delivery.ack();
  }
}

void WorkerPool::work(std::stop_token stop) {
  auto pause = [&stop](std::chrono::milliseconds how_long) {
    std::mutex mutex;
    std::condition_variable_any woken;
    std::unique_lock lock(mutex);
    woken.wait_for(lock, stop, how_long, [] { return false; });
  };
  while (!stop.stop_requested()) {
    if (!accepting_) {
      pause(std::chrono::milliseconds(50));
      continue;
    }
    std::unique_ptr<Delivery> delivery;
    try {
      delivery = queue_.pop(stop);
    } catch (const std::exception& error) {
      // The broker is away: wait and ask again, never spin.
      spdlog::warn("taking a job from the queue failed: {}", error.what());
      pause(options_.retry_delay);
      continue;
    }
    if (!delivery) continue;
    if (!accepting_) {  // shutdown began while this slot waited
      delivery->reject(/*requeue=*/true);
      continue;
    }
    const std::string job_id = run_key(delivery->ticket());
    bool already_running_here = false;
    {
      std::lock_guard lock(running_mutex_);
      already_running_here = running_[job_id]++ > 0;
    }
    if (already_running_here) {
      // The broker gave the job back to us while a slot here still runs it
      // (it closed our channel after its consumer timeout): not twice.
      {
        std::lock_guard lock(running_mutex_);
        --running_[job_id];
      }
      settle(*delivery, JobRunReport{JobOutcome::held_elsewhere, "", 0, 0, 0});
      continue;
    }
    busy_++;
    if (running_changed_) running_changed_();
    JobRunReport report{JobOutcome::failed, "", 0, 0, 0};
    try {
      report = run_job(delivery->ticket(), delivery->redelivered(), context_, stop, shutting_down_);
    } catch (const std::exception& error) {
      // The store itself failed: try the job again later, not at once, so a
      // store that is down does not turn into a hot loop.
      spdlog::error("job {}: {}", job_id, error.what());
      report.outcome = JobOutcome::retry;
    }
    busy_--;
    {
      std::lock_guard lock(running_mutex_);
      if (--running_[job_id] == 0) running_.erase(job_id);
    }
    if (running_changed_) running_changed_();
    settle(*delivery, report);
    if (report.outcome == JobOutcome::retry) pause(options_.retry_delay);
  }
}

}  // namespace soundscripter
