// N worker threads, each taking jobs from the Queue and running them.
//
// A delivery is acked only after the job's outcome is stored; a job cut
// short by shutdown is rejected back onto the queue, so nothing accepted is
// lost. Running jobs can be cancelled by id.
#pragma once

#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <stop_token>
#include <string>
#include <thread>
#include <vector>

#include "queue/queue.hpp"
#include "worker/job_runner.hpp"

namespace soundscripter {

class WorkerPool {
 public:
  WorkerPool(int workers, Queue& queue, JobRunnerContext context);
  ~WorkerPool();  // stops as stop() does

  void start();

  // Stops taking jobs, lets running ones finish for up to `grace`, then
  // interrupts the rest, which go back to the queue (and to `queued` in the
  // store) for the next start.
  void stop(std::chrono::milliseconds grace = std::chrono::milliseconds(0));

  // Asks the worker running this job to stop it (within a second).
  // Returns false when no worker here is running it.
  bool cancel(const std::string& job_id);

  int size() const { return static_cast<int>(threads_.size()); }
  int busy() const { return busy_; }

 private:
  void work(std::stop_token stop);

  int workers_;
  Queue& queue_;
  JobRunnerContext context_;
  std::atomic<bool> accepting_{true};
  std::atomic<bool> shutting_down_{false};
  std::atomic<int> busy_{0};
  std::mutex running_mutex_;
  std::map<std::string, std::stop_source> running_;
  std::vector<std::jthread> threads_;
};

}  // namespace soundscripter
