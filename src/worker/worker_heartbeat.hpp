// A worker's heartbeat: every few seconds its row in the store says which
// jobs it runs, so GET /v1/workers lists live workers and a redelivered
// job is not started twice while the worker that holds it still beats.
#pragma once

#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>

#include "jobs/job_store.hpp"
#include "util/periodic_task.hpp"
#include "worker/worker_pool.hpp"

namespace soundscripter {

// How often a worker beats, and after how long without a beat it counts as
// gone (its jobs may then run elsewhere).
inline constexpr std::chrono::seconds kHeartbeatInterval{3};
inline constexpr std::chrono::seconds kWorkerGoneAfter{15};

// "HOST-PID-RANDOM": unique per process start.
std::string new_worker_id();
std::string host_name();

class WorkerHeartbeat {
 public:
  // `identity`: id, host, slots, engines, started_at; busy and jobs come
  // from the pool at each beat. `health_file` (optional) is touched after
  // each beat the store took, so a container's health check can tell a
  // worker that reaches its store from one that is stuck or cut off.
  WorkerHeartbeat(JobStore& store, const WorkerPool& pool, WorkerInfo identity,
                  std::chrono::milliseconds interval = kHeartbeatInterval,
                  std::filesystem::path health_file = {});
  ~WorkerHeartbeat();  // forgets the worker (and removes the health file)

  void beat();
  // Beats on the heartbeat's thread now rather than at the next interval
  // (a job started: the store must know at once who holds it).
  void beat_soon() { task_->run_soon(); }

 private:
  JobStore& store_;
  const WorkerPool& pool_;
  WorkerInfo identity_;
  std::filesystem::path health_file_;
  std::unique_ptr<PeriodicTask> task_;  // last: stopped first
};

}  // namespace soundscripter
