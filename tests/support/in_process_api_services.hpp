// The API's services over real in-process parts: a SQLite store in a
// folder of the test's, the in-process queue and event bus, and no engine
// or model configured (an API process that leaves them to its workers).
// For unit tests of routes and of what handlers read.
#pragma once

#include <filesystem>
#include <memory>

#include "api/api_services.hpp"
#include "api/service_metrics.hpp"

namespace soundscripter::test {

struct InProcessApiServices {
  explicit InProcessApiServices(const std::filesystem::path& dir)
      : store(make_sqlite_job_store((dir / "jobs.db").string())),
        queue(make_in_process_queue()),
        bus(make_in_process_event_bus()),
        events(*store, *bus),
        services{*store, *queue, *bus, events, metrics, dir / "media", "", "", {}, {}} {}

  std::unique_ptr<JobStore> store;
  std::unique_ptr<Queue> queue;
  std::unique_ptr<EventBus> bus;
  JobEvents events;
  ServiceMetrics metrics;
  ApiServices services;
};

}  // namespace soundscripter::test
