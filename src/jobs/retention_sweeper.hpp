// Removes finished jobs older than the retention period, with their media
// and results, on a background thread. Queued and running jobs are never
// touched, however old.
#pragma once

#include <chrono>
#include <memory>

#include "jobs/job_store.hpp"
#include "util/periodic_task.hpp"

namespace soundscripter {

class RetentionSweeper {
 public:
  // retention 0 keeps everything (no thread is started).
  RetentionSweeper(JobStore& store, std::chrono::seconds retention);

  // One pass now; returns how many jobs it removed.
  std::size_t sweep();

 private:
  JobStore& store_;
  std::chrono::seconds retention_;
  std::unique_ptr<PeriodicTask> task_;  // last: stopped first
};

}  // namespace soundscripter
