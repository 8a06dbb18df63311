// The one place that chooses each interface's implementation: embedded
// (SQLite, in-process queue and bus) or distributed (PostgreSQL, RabbitMQ,
// Redis), each by its own URL, so nothing else in the program knows which.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "app/serve_config.hpp"
#include "events/event_bus.hpp"
#include "jobs/job_store.hpp"
#include "queue/queue.hpp"
#include "worker/worker_node.hpp"

namespace soundscripter {

struct ServiceBackends {
  std::unique_ptr<JobStore> store;
  std::unique_ptr<Queue> queue;
  std::unique_ptr<EventBus> bus;
  // What each is, for logs and /readyz: "sqlite /path/jobs.db",
  // "postgresql 127.0.0.1:5432/db", "rabbitmq 127.0.0.1:5672/", "in-process", ...
  std::string store_name;
  std::string queue_name;
  std::string bus_name;
  bool queue_in_process = true;  // the embedded queue: jobs live in this process only

  // Dead-lettered jobs on the broker, for /metrics (-1 when unknown or
  // not a broker). Throws when the broker cannot be asked.
  std::int64_t dead_letters() const;
  std::function<std::int64_t()> dead_letter_count;
};

// prefetch: deliveries a worker process may hold unacked (its slots).
// A server that cannot be reached at start-up is retried with backoff until
// it answers or `give_up` returns true (a shutdown signal came).
ServiceBackends connect_service_backends(const ServeConfig& config, int prefetch,
                                         const std::function<bool()>& give_up);

// What `serve` (embedded) and `worker` give their WorkerNode from the
// configuration.
WorkerNodeOptions worker_node_options(const ServeConfig& config, int slots);


}  // namespace soundscripter
