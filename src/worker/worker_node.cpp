#include "worker/worker_node.hpp"

namespace soundscripter {

WorkerNode::WorkerNode(JobStore& store, JobEvents& events, EventBus& bus, Queue& queue,
                       std::unique_ptr<MediaSource> media, WorkerNodeOptions options)
    : id_(new_worker_id()), engines_(options.default_engine), media_(std::move(media)) {
  default_engine_ = &engines_.preload_default();
  reporter_ = make_store_job_reporter(store, events, bus, id_);
  JobRunnerContext context{.reporter = *reporter_,
                           .media = *media_,
                           .engines = engines_,
                           .chunking = options.chunking,
                           .split_into = options.split_chunks ? &queue : nullptr,
                           .threads_per_job = options.threads_per_job,
                           .max_attempts = options.max_attempts,
                           .on_finished = options.on_finished};
  pool_ = std::make_unique<WorkerPool>(WorkerPoolOptions{options.slots}, queue, context);
  std::string engine = default_engine_->name();
  if (!options.default_engine.model.empty()) engine += ":" + options.default_engine.model;
  heartbeat_ = std::make_unique<WorkerHeartbeat>(
      store, *pool_, WorkerInfo{id_, host_name(), pool_->size(), 0, {}, {engine}, unix_now(), 0},
      kHeartbeatInterval, options.health_file);
  // A redelivered job must not start elsewhere while this worker holds it:
  // the store hears of each start at once, not at the next beat.
  pool_->on_running_changed([heartbeat = heartbeat_.get()] { heartbeat->beat_soon(); });
  pool_->start();
}

WorkerNode::~WorkerNode() { stop(std::chrono::milliseconds(0)); }

void WorkerNode::stop(std::chrono::milliseconds grace) {
  if (pool_) pool_->stop(grace);
  heartbeat_.reset();  // a clean stop leaves no ghost in GET /v1/workers
}

}  // namespace soundscripter
