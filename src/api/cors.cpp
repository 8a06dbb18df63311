#include "api/cors.hpp"

#include <algorithm>

namespace soundscripter {

CorsPolicy::CorsPolicy(std::vector<std::string> allowed_origins)
    : allowed_(std::move(allowed_origins)),
      any_(std::find(allowed_.begin(), allowed_.end(), "*") != allowed_.end()) {}

bool CorsPolicy::allows(const std::string& origin) const {
  return any_ || std::find(allowed_.begin(), allowed_.end(), origin) != allowed_.end();
}

std::vector<std::pair<std::string, std::string>> CorsPolicy::response_headers(const HttpRequest& request) const {
  std::vector<std::pair<std::string, std::string>> headers;
  if (!enabled()) return headers;
  // The answer depends on Origin, so caches must keep one per origin.
  headers.emplace_back("Vary", "Origin");
  const auto origin = request.header("origin");
  if (!origin || !allows(*origin)) return headers;
  headers.emplace_back("Access-Control-Allow-Origin", *origin);
  // Readable by the page: the request id for support, Retry-After for backoff.
  headers.emplace_back("Access-Control-Expose-Headers", "X-Request-Id, Retry-After, Content-Disposition");
  return headers;
}

std::optional<HttpResponse> CorsPolicy::preflight(const HttpRequest& request) const {
  if (!enabled() || request.method != "OPTIONS" || !request.header("origin") ||
      !request.header("access-control-request-method")) {
    return std::nullopt;
  }
  if (!allows(*request.header("origin"))) {
    return error_response(403, "forbidden", "cross-origin requests from " + *request.header("origin") +
                                                " are not allowed by this server (--cors-origins)");
  }
  HttpResponse response;
  response.status = 204;
  response.content_type = "text/plain";
  response.headers = {
      {"Access-Control-Allow-Methods", "GET, HEAD, POST, DELETE"},
      {"Access-Control-Allow-Headers", "Authorization, Content-Type, Last-Event-ID"},
      {"Access-Control-Max-Age", "600"},
  };
  return response;
}

}  // namespace soundscripter
