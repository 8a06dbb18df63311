#include "worker/worker_heartbeat.hpp"

#include <unistd.h>

#include <random>

#include <spdlog/spdlog.h>

namespace soundscripter {

std::string host_name() {
  char name[256] = {};
  if (gethostname(name, sizeof name - 1) != 0) return "unknown";
  return name;
}

std::string new_worker_id() {
  std::mt19937 random{std::random_device{}()};
  char suffix[9];
  std::snprintf(suffix, sizeof suffix, "%08x", static_cast<unsigned>(random()));
  return host_name() + "-" + std::to_string(getpid()) + "-" + suffix;
}

WorkerHeartbeat::WorkerHeartbeat(JobStore& store, const WorkerPool& pool, WorkerInfo identity,
                                 std::chrono::milliseconds interval)
    : store_(store), pool_(pool), identity_(std::move(identity)) {
  task_ = std::make_unique<PeriodicTask>("worker heartbeat", interval, [this] { beat(); });
}

WorkerHeartbeat::~WorkerHeartbeat() {
  task_.reset();
  try {
    store_.forget_worker(identity_.id);
  } catch (const std::exception& error) {
    spdlog::warn("worker {}: could not remove its heartbeat: {}", identity_.id, error.what());
  }
}

void WorkerHeartbeat::beat() {
  WorkerInfo now = identity_;
  now.busy = pool_.busy();
  now.jobs = pool_.running_jobs();
  store_.beat_worker(now);
}

}  // namespace soundscripter
