#include "worker/worker_pool.hpp"

#include <spdlog/spdlog.h>

namespace soundscripter {

WorkerPool::WorkerPool(int workers, Queue& queue, JobRunnerContext context)
    : workers_(std::max(1, workers)), queue_(queue), context_(context) {}

WorkerPool::~WorkerPool() { stop(); }

void WorkerPool::start() {
  for (int i = 0; i < workers_; ++i) {
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

bool WorkerPool::cancel(const std::string& job_id) {
  std::lock_guard lock(running_mutex_);
  auto it = running_.find(job_id);
  if (it == running_.end()) return false;
  it->second.request_stop();
  return true;
}

void WorkerPool::work(std::stop_token stop) {
  while (!stop.stop_requested()) {
    if (!accepting_) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      continue;
    }
    std::unique_ptr<Delivery> delivery = queue_.pop(stop);
    if (!delivery) continue;
    if (!accepting_) {  // shutdown began while this worker waited
      delivery->reject(/*requeue=*/true);
      continue;
    }
    const std::string job_id = delivery->job_id();
    std::stop_source job_stop;
    // Stopping the pool stops the job too (and run_job then requeues it).
    std::stop_callback forward_stop(stop, [&job_stop] { job_stop.request_stop(); });
    {
      std::lock_guard lock(running_mutex_);
      running_[job_id] = job_stop;
    }
    busy_++;
    JobOutcome outcome = JobOutcome::failed;
    try {
      outcome = run_job(job_id, context_, job_stop.get_token(), shutting_down_);
    } catch (const std::exception& error) {
      // The store itself failed; leave the delivery for another try.
      spdlog::error("job {}: {}", job_id, error.what());
      outcome = JobOutcome::interrupted;
    }
    busy_--;
    {
      std::lock_guard lock(running_mutex_);
      running_.erase(job_id);
    }
    if (outcome == JobOutcome::interrupted) {
      delivery->reject(/*requeue=*/true);
    } else {
      delivery->ack();
    }
  }
}

}  // namespace soundscripter
