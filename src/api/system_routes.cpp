// Liveness, readiness, metrics and the live workers.
#include "api/api_services.hpp"
#include "api/router.hpp"
#include "api/service_metrics.hpp"
#include "worker/worker_heartbeat.hpp"

namespace soundscripter {

void add_system_routes(Router& router, ApiServices& services) {
  router.add({"GET", "/healthz", "healthz", BodyKind::none, false,
              [](HttpRequest&) { return json_response(200, {{"status", "ok"}}); }});

  router.add({"GET", "/readyz", "readyz", BodyKind::none, false, [&services](HttpRequest&) {
                const bool store = services.store.healthy();
                const bool queue = services.queue.healthy();
                const bool bus = services.bus.healthy();
                const bool ready = store && queue && bus;
                return json_response(ready ? 200 : 503,
                                     {{"status", ready ? "ready" : "not ready"},
                                      {"checks", {{"store", store}, {"queue", queue}, {"events", bus}}}});
              }});

  router.add({"GET", "/v1/workers", "workers.list", BodyKind::none, true, [&services](HttpRequest&) {
                const double since =
                    unix_now() - std::chrono::duration<double>(kWorkerGoneAfter).count();
                nlohmann::json workers = nlohmann::json::array();
                for (const auto& worker : services.store.live_workers(since)) {
                  workers.push_back(to_json(worker));
                }
                return json_response(200, {{"workers", workers}});
              }});

  router.add({"GET", "/metrics", "metrics", BodyKind::none, false, [&services](HttpRequest&) {
                HttpResponse response;
                response.content_type = "text/plain; version=0.0.4; charset=utf-8";
                response.body = services.metrics.registry.render();
                return response;
              }});
}

}  // namespace soundscripter
