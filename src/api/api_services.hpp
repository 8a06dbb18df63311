// What the API's handlers work with, handed to each group of routes.
//
// Built once by `serve` from its configuration: the in-process queue and
// event bus in embedded mode, RabbitMQ and Redis ones in distributed mode;
// the handlers do not know which.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "engine/audio_chunker.hpp"
#include "events/event_bus.hpp"
#include "events/job_events.hpp"
#include "jobs/job_store.hpp"
#include "queue/queue.hpp"

namespace soundscripter {

struct ServiceMetrics;
class Router;

struct ApiServices {
  JobStore& store;
  Queue& queue;
  EventBus& bus;
  JobEvents& events;
  ServiceMetrics& metrics;
  std::filesystem::path media_dir;   // uploads kept for their jobs
  std::string default_engine;        // the server's, for jobs that name none
  std::string default_model;
  // Gauges that only the server knows (open SSE streams, busy workers).
  std::function<std::size_t()> open_streams;
  // What each backend is ("store" -> "postgresql://db@host:5432/jobs"), for /readyz.
  std::vector<std::pair<std::string, std::string>> backend_names;
  // GET /metrics without an API key even when the server has keys.
  bool public_metrics = false;
  // Jobs one API key may have waiting; 0: no cap. Requests without keys
  // (a server without them) are not capped.
  int max_queued_per_key = 0;
  // Longest audio an upload may hold (the probe's duration); 0: no cap.
  double max_media_seconds = 0;
  // The largest upload the server reads (for GET /v1/capabilities; the
  // dispatcher enforces it).
  std::uint64_t max_upload_bytes = 0;
};

// The route groups, each in its own file.
void add_job_routes(Router& router, ApiServices& services);      // jobs_routes.cpp
void add_event_routes(Router& router, ApiServices& services);    // event_routes.cpp
void add_openai_routes(Router& router, ApiServices& services);   // openai_routes.cpp
void add_system_routes(Router& router, ApiServices& services);   // system_routes.cpp
// GET /v1/capabilities and OpenAI's GET /v1/models.
void add_capability_routes(Router& router, ApiServices& services);  // capability_routes.cpp
// GET /openapi.json, /docs (Swagger UI) and / (the web page).
void add_docs_routes(Router& router);                            // docs_routes.cpp

}  // namespace soundscripter
