// Liveness, readiness, metrics and the live workers.
#include "api/api_services.hpp"
#include "api/router.hpp"
#include "api/service_metrics.hpp"
#include "worker/worker_heartbeat.hpp"

namespace soundscripter {

void add_system_routes(Router& router, ApiServices& services) {
  router.add({"GET", "/healthz", "healthz", BodyKind::none, false,
              [](HttpRequest&) { return json_response(200, {{"status", "ok"}}); }});

  // Each server the API needs, whether it answers, and what it is, so a
  // 503 says which one is down.
  router.add({"GET", "/readyz", "readyz", BodyKind::none, false, [&services](HttpRequest&) {
                const std::pair<const char*, bool> checks[] = {{"store", services.store.healthy()},
                                                               {"queue", services.queue.healthy()},
                                                               {"events", services.bus.healthy()}};
                nlohmann::json checks_json = nlohmann::json::object();
                nlohmann::json backends = nlohmann::json::object();
                std::vector<std::string> down;
                for (const auto& [name, up] : checks) {
                  checks_json[name] = up;
                  std::string what = name;
                  for (const auto& [backend, description] : services.backend_names) {
                    if (backend == name) {
                      backends[name] = description;
                      what += " (" + description + ")";
                    }
                  }
                  if (!up) down.push_back(what);
                }
                nlohmann::json body = {{"status", down.empty() ? "ready" : "not ready"},
                                       {"checks", checks_json},
                                       {"backends", backends}};
                if (!down.empty()) {
                  std::string message;
                  for (const auto& what : down) message += (message.empty() ? "" : ", ") + what;
                  body["message"] = "not answering: " + message;
                }
                return json_response(down.empty() ? 200 : 503, body);
              }});

  // The live workers (in this process or elsewhere) with the jobs they
  // run, the queue's depth by priority, and jobs completed lately.
  router.add({"GET", "/v1/workers", "workers.list", BodyKind::none, true, [&services](HttpRequest&) {
                const double now = unix_now();
                const double since = now - std::chrono::duration<double>(kWorkerGoneAfter).count();
                nlohmann::json workers = nlohmann::json::array();
                for (const auto& worker : services.store.live_workers(since)) {
                  workers.push_back(to_json(worker));
                }
                nlohmann::json by_priority = nlohmann::json::object();
                std::int64_t queued = 0;
                for (const auto& [priority, count] : services.store.count_queued_by_priority()) {
                  by_priority[std::to_string(priority)] = count;
                  queued += count;
                }
                std::int64_t processing = 0;
                for (const auto& [state, count] : services.store.count_by_state()) {
                  if (state == JobState::processing) processing = count;
                }
                return json_response(200, {{"workers", workers},
                                           {"queue", {{"queued", queued},
                                                      {"processing", processing},
                                                      {"by_priority", by_priority}}},
                                           {"completed_last_minute", services.store.count_completed_since(now - 60)},
                                           {"completed_last_10_minutes",
                                            services.store.count_completed_since(now - 600)}});
              }});

  // Keyed like the API when the server has keys: series names and job
  // counts say what a server does. Prometheus can send a bearer token;
  // --public-metrics opens it (for a scraper on a private network).
  router.add({"GET", "/metrics", "metrics", BodyKind::none, !services.public_metrics, [&services](HttpRequest&) {
                HttpResponse response;
                response.content_type = "text/plain; version=0.0.4; charset=utf-8";
                response.body = services.metrics.registry.render();
                return response;
              }});
}

}  // namespace soundscripter
