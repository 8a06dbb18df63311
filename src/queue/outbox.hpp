// The outbox: an upload answered 202 is never lost, even when the broker
// is down at that moment.
//
// A job is stored first (unpublished), then pushed, then marked published.
// If the push fails, or the process dies in between, the job stays in the
// store's outbox and OutboxDrainer pushes it once the broker answers again.
// A job pushed twice (died after the push, before the mark) is harmless:
// the second delivery finds the job no longer queued and is skipped.
#pragma once

#include <chrono>
#include <memory>

#include "jobs/job_store.hpp"
#include "queue/queue.hpp"
#include "util/periodic_task.hpp"

namespace soundscripter {

// Pushes the job's ticket and marks it published. False (logged) when the
// queue cannot take it now; the job then waits in the outbox.
bool publish_job(Queue& queue, JobStore& store, const Job& job);

class OutboxDrainer {
 public:
  // Every `period`, pushes jobs left unpublished for longer than `min_age`
  // (younger ones are still being published by their upload).
  OutboxDrainer(JobStore& store, Queue& queue,
                std::chrono::milliseconds period = std::chrono::seconds(2),
                std::chrono::milliseconds min_age = std::chrono::seconds(5));

  // One pass now; returns how many jobs it published.
  std::size_t drain();

 private:
  JobStore& store_;
  Queue& queue_;
  std::chrono::milliseconds min_age_;
  std::unique_ptr<PeriodicTask> task_;  // last: stopped first
};

}  // namespace soundscripter
