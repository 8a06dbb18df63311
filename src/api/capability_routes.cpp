// What this server can do: GET /v1/capabilities (engines, installed models
// with their languages, defaults, limits) and OpenAI's GET /v1/models.
#include "api/api_services.hpp"
#include "api/router.hpp"
#include "api/server_capabilities.hpp"

namespace soundscripter {

void add_capability_routes(Router& router, ApiServices& services) {
  router.add({"GET", "/v1/capabilities", "capabilities", BodyKind::none, true, [&services](HttpRequest&) {
                return json_response(200, to_json(server_capabilities(services), services));
              }});
  router.add({"GET", "/v1/models", "openai.models", BodyKind::none, true, [&services](HttpRequest&) {
                return json_response(200, openai_model_list(server_capabilities(services)));
              }});
}

}  // namespace soundscripter
