#include "app/service_backends.hpp"

#include <thread>

#include <spdlog/spdlog.h>

#include "queue/rabbitmq_queue.hpp"
#include "util/error.hpp"

namespace soundscripter {
namespace {

// Connects with backoff (0.5 s doubling to 10 s): a server that starts after
// us (docker-compose, a reboot) must not be a reason to exit.
template <typename Connect>
auto connect_with_retry(const std::string& what, Connect&& connect,
                        const std::function<bool()>& give_up) -> decltype(connect()) {
  auto delay = std::chrono::milliseconds(500);
  for (;;) {
    try {
      return connect();
    } catch (const Error& error) {
      if (error.code() != ErrorCode::backend_unavailable || (give_up && give_up())) throw;
      spdlog::warn("{} is not answering ({}); trying again in {} ms", what, error.what(), delay.count());
    }
    std::this_thread::sleep_for(delay);
    delay = std::min(delay * 2, std::chrono::milliseconds(10000));
  }
}

}  // namespace

WorkerNodeOptions worker_node_options(const ServeConfig& config, int slots) {
  WorkerNodeOptions options;
  options.default_engine = {config.engine, config.model};
  options.slots = slots;
  options.threads_per_job = config.threads_per_job;
  options.max_attempts = config.max_attempts;
  options.chunking.chunk_seconds = config.chunk_length.count() < 0 ? ChunkingOptions::kEngineDefault
                                                                   : static_cast<double>(config.chunk_length.count());
  options.split_chunks = config.split_chunks;
  options.health_file = config.health_file;
  return options;
}

std::int64_t ServiceBackends::dead_letters() const { return dead_letter_count ? dead_letter_count() : -1; }

ServiceBackends connect_service_backends(const ServeConfig& config, int prefetch,
                                         const std::function<bool()>& give_up) {
  ServiceBackends backends;
  if (config.database_url.empty()) {
    const auto path = config.data_dir / "jobs.db";
    backends.store = make_sqlite_job_store(path.string());
    backends.store_name = "sqlite " + path.string();
  } else {
    backends.store_name = mask_url_password(config.database_url);
    backends.store = connect_with_retry(
        "the job store " + backends.store_name,
        [&] { return make_postgres_job_store(config.database_url); }, give_up);
  }

  if (config.broker_url.empty()) {
    backends.queue = make_in_process_queue();
    backends.queue_name = "in-process";
  } else {
    RabbitQueueOptions options;
    options.url = config.broker_url;
    options.name = config.queue_name;
    options.prefetch = std::max(1, prefetch);
    backends.queue_name = mask_url_password(config.broker_url) + " queue " + config.queue_name;
    backends.queue = make_rabbitmq_queue(options);
    backends.queue_in_process = false;
    backends.dead_letter_count = [options] { return rabbitmq_dead_letter_count(options); };
  }

  if (config.redis_url.empty()) {
    backends.bus = make_in_process_event_bus();
    backends.bus_name = "in-process";
  } else {
    backends.bus_name = mask_url_password(config.redis_url);
    backends.bus = make_redis_event_bus(config.redis_url);
  }
  return backends;
}

}  // namespace soundscripter
