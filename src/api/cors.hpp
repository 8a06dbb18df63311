// Cross-origin requests from browsers (CORS), off unless origins are
// listed: a web page elsewhere may then call the API with the user's key.
//
// A simple request gets Access-Control-Allow-Origin when its Origin is
// allowed; a preflight (OPTIONS with Access-Control-Request-Method) is
// answered here, before routing and without a key, as browsers send it
// without credentials.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "api/http_types.hpp"

namespace soundscripter {

class CorsPolicy {
 public:
  CorsPolicy() = default;  // off
  // Origins as browsers send them ("https://app.example.com"), or "*" for any.
  explicit CorsPolicy(std::vector<std::string> allowed_origins);

  bool enabled() const { return !allowed_.empty(); }

  // Headers for every response to this request (empty when CORS is off or
  // the origin is not allowed).
  std::vector<std::pair<std::string, std::string>> response_headers(const HttpRequest& request) const;

  // The answer to a preflight, or nothing when this is not one. A
  // preflight from an origin not allowed gets 403 without CORS headers,
  // which the browser reports as a blocked request.
  std::optional<HttpResponse> preflight(const HttpRequest& request) const;

 private:
  bool allows(const std::string& origin) const;

  std::vector<std::string> allowed_;
  bool any_ = false;
};

}  // namespace soundscripter
