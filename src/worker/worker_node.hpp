// Everything that runs jobs in one process, wired once: the engines, the
// reporter, where media comes from, the pool of slots and its heartbeat.
// `serve` builds one in embedded mode (media from its own directory) and
// `soundscripter worker` builds one in distributed mode (media over HTTP).
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "worker/engine_cache.hpp"
#include "worker/job_reporter.hpp"
#include "worker/media_source.hpp"
#include "worker/worker_heartbeat.hpp"
#include "worker/worker_pool.hpp"

namespace soundscripter {

struct WorkerNodeOptions {
  EngineSpec default_engine;        // for jobs that name none
  int slots = 1;
  int threads_per_job = 4;
  int max_attempts = 3;
  ChunkingOptions chunking;
  bool split_chunks = true;         // a long file's chunks go on the queue for any worker
  std::filesystem::path health_file;  // touched at each stored heartbeat (optional)
  std::function<void(const JobRunReport&)> on_finished;  // optional (metrics)
};

class WorkerNode {
 public:
  // Loads the default engine at once (a bad model fails at start-up), then
  // starts the slots and the heartbeat.
  WorkerNode(JobStore& store, JobEvents& events, EventBus& bus, Queue& queue,
             std::unique_ptr<MediaSource> media, WorkerNodeOptions options);
  ~WorkerNode();

  // Stops taking jobs, lets running ones finish within `grace`, hands the
  // rest back to the queue.
  void stop(std::chrono::milliseconds grace);

  const std::string& id() const { return id_; }
  const WorkerPool& pool() const { return *pool_; }
  Engine& default_engine() { return *default_engine_; }

 private:
  std::string id_;
  EngineCache engines_;
  Engine* default_engine_ = nullptr;
  std::unique_ptr<JobReporter> reporter_;
  std::unique_ptr<MediaSource> media_;
  std::unique_ptr<WorkerPool> pool_;
  std::unique_ptr<WorkerHeartbeat> heartbeat_;
};

}  // namespace soundscripter
