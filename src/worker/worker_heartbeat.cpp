#include "worker/worker_heartbeat.hpp"

#include <unistd.h>

#include <fstream>
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
                                 std::chrono::milliseconds interval, std::filesystem::path health_file)
    : store_(store), pool_(pool), identity_(std::move(identity)), health_file_(std::move(health_file)) {
  task_ = std::make_unique<PeriodicTask>("worker heartbeat", interval, [this] { beat(); });
}

WorkerHeartbeat::~WorkerHeartbeat() {
  task_.reset();
  try {
    store_.forget_worker(identity_.id);
  } catch (const std::exception& error) {
    spdlog::warn("worker {}: could not remove its heartbeat: {}", identity_.id, error.what());
  }
  std::error_code ignored;
  if (!health_file_.empty()) std::filesystem::remove(health_file_, ignored);
}

void WorkerHeartbeat::beat() {
  WorkerInfo now = identity_;
  now.busy = pool_.busy();
  now.jobs = pool_.running_jobs();
  store_.beat_worker(now);  // throws when the store is away: no touch then
  if (health_file_.empty()) return;
  std::ofstream(health_file_, std::ios::app);  // creates it the first time
  std::error_code error;
  std::filesystem::last_write_time(health_file_, std::filesystem::file_time_type::clock::now(), error);
  if (error) {
    spdlog::warn("worker {}: could not touch the health file {}: {}", identity_.id, health_file_.string(),
                 error.message());
  }
}

}  // namespace soundscripter
