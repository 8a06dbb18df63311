// What happens to a request between the socket and its handler, without
// Beast: routing, authentication, early refusals, error mapping, and a
// measurement of each request.
//
// The server asks plan() as soon as the header is read, so a request that
// will be refused (unknown route, no key, a Content-Length over the limit)
// is answered before its body is read.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "api/cors.hpp"
#include "api/router.hpp"

namespace soundscripter {

struct DispatcherOptions {
  std::uint64_t max_upload_bytes = 1ull << 30;   // multipart routes
  std::uint64_t max_buffered_bytes = 1 << 20;    // other bodies
  // Whether the data disk can take an upload of this many more bytes and
  // keep its reserve. Unset: not checked.
  std::function<bool(std::uint64_t incoming)> has_room_for;
  CorsPolicy cors;
  // Returns the key's id for a bearer token, nothing when it is not a key.
  // Unset: authentication is off and every request is anonymous.
  std::function<std::optional<std::string>(std::string_view token)> authenticate;
  // Called after each request with the route's name ("unmatched" when none).
  std::function<void(const std::string& route, const std::string& method, int status,
                     double seconds)> on_request;
};

class Dispatcher {
 public:
  Dispatcher(const Router& router, DispatcherOptions options);

  struct Plan {
    const Route* route = nullptr;          // set when the request may go on
    std::optional<HttpResponse> refusal;   // set otherwise
    std::uint64_t body_limit = 0;          // bytes the server may read
    std::uint64_t file_limit = 0;          // bytes per uploaded file (multipart)
    // For every response to this request, the refusal and deferred ones
    // included (CORS).
    std::vector<std::pair<std::string, std::string>> response_headers;
  };
  // Fills request.path_params and request.api_key_id.
  Plan plan(HttpRequest& request) const;

  // Runs the route's handler; an Error becomes its JSON error response and
  // anything else a 500 that does not leak internals.
  HttpResponse run(const Route& route, HttpRequest& request) const;

  // Records a request that ended without run() (refused, or failed while
  // its body streamed in).
  void record(const std::string& route, const HttpRequest& request, int status,
              double seconds) const;

 private:
  const Router& router_;
  DispatcherOptions options_;
};

}  // namespace soundscripter
