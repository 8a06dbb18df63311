// N worker threads (slots), each taking jobs from the Queue and running them.
//
// The same pool runs inside `serve` (embedded mode, in-process queue) and
// inside `soundscripter worker` (RabbitMQ). A delivery is acked only after
// the job's outcome is stored; a job cut short by shutdown is rejected back
// onto the queue, so nothing accepted is lost; a failure that may pass goes
// back with a delay. Cancels arrive through the JobReporter, from anywhere.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <stop_token>
#include <string>
#include <thread>
#include <vector>

#include "queue/queue.hpp"
#include "worker/job_runner.hpp"

namespace soundscripter {

struct WorkerPoolOptions {
  int slots = 1;
  // Backoff before a retried job runs again: base x 2^(attempts so far),
  // capped; also how long a slot waits after the queue itself failed.
  std::chrono::milliseconds retry_delay = std::chrono::seconds(2);
  std::chrono::milliseconds max_retry_delay = std::chrono::seconds(60);
};

class WorkerPool {
 public:
  WorkerPool(WorkerPoolOptions options, Queue& queue, JobRunnerContext context);
  ~WorkerPool();  // stops as stop() does

  // Called on a worker thread whenever a job or chunk starts or ends here
  // (for a heartbeat at once); set before start(). Must not block.
  void on_running_changed(std::function<void()> listener) { running_changed_ = std::move(listener); }

  void start();

  // Stops taking jobs, lets running ones finish for up to `grace`, then
  // interrupts the rest, which go back to the queue (and to `queued` in the
  // store) for another worker or the next start.
  void stop(std::chrono::milliseconds grace = std::chrono::milliseconds(0));

  int size() const { return options_.slots; }
  int busy() const { return busy_; }
  // Run keys (job_ticket.hpp) of the jobs and chunks running now (for heartbeats).
  std::vector<std::string> running_jobs() const;

 private:
  void work(std::stop_token stop);
  void settle(Delivery& delivery, const JobRunReport& report);
  std::chrono::milliseconds backoff(int attempt) const;

  WorkerPoolOptions options_;
  Queue& queue_;
  JobRunnerContext context_;
  std::atomic<bool> accepting_{true};
  std::atomic<bool> shutting_down_{false};
  std::atomic<int> busy_{0};
  mutable std::mutex running_mutex_;
  std::map<std::string, int> running_;  // run key -> slots running it
  std::function<void()> running_changed_;
  std::vector<std::jthread> threads_;
};

}  // namespace soundscripter
