#include "api/dispatcher.hpp"

#include <algorithm>
#include <array>
#include <chrono>

#include <spdlog/spdlog.h>

#include "api/api_keys.hpp"
#include "api/error_status.hpp"
#include "util/logging.hpp"

namespace soundscripter {

Dispatcher::Dispatcher(const Router& router, DispatcherOptions options)
    : router_(router), options_(std::move(options)) {}

Dispatcher::Plan Dispatcher::plan(HttpRequest& request) const {
  Plan plan;
  plan.response_headers = options_.cors.response_headers(request);
  if (auto preflight = options_.cors.preflight(request)) {
    plan.refusal = std::move(*preflight);
    return plan;
  }
  const Route* route = router_.match(request.method, request.path, request.path_params);
  // HEAD is GET without the body (RFC 9110); the session leaves the body out.
  if (route == nullptr && request.method == "HEAD") {
    route = router_.match("GET", request.path, request.path_params);
  }
  if (route == nullptr) {
    auto allowed = router_.allowed_methods(request.path);
    if (allowed.empty()) {
      plan.refusal = error_response(404, "not_found", "no such endpoint: " + request.path);
    } else {
      std::string allow;
      for (const auto& method : allowed) allow += (allow.empty() ? "" : ", ") + method;
      if (std::find(allowed.begin(), allowed.end(), "GET") != allowed.end()) allow += ", HEAD";
      plan.refusal = error_response(405, "method_not_allowed",
                                    request.method + " is not allowed on " + request.path +
                                        " (allowed: " + allow + ")");
      plan.refusal->headers.emplace_back("Allow", allow);
    }
    return plan;
  }
  if (options_.authenticate && route->needs_auth) {
    // The scheme is case-insensitive (RFC 9110): "bearer KEY" works too.
    // Both kept here: the token is a view into one of them.
    const std::optional<std::string> header = request.header("authorization");
    const std::optional<std::string> query_token = request.query_value("access_token");
    std::optional<std::string_view> token;
    if (header) {
      token = bearer_token(*header);
    } else if (query_token) {
      // EventSource (the web page's live events) cannot send headers.
      token = *query_token;
    }
    const std::optional<std::string> key_id = token ? options_.authenticate(*token) : std::nullopt;
    if (!key_id) {
      plan.refusal = error_response(
          401, "unauthorized",
          token ? "this API key is not valid"
                : "this server needs an API key: send 'Authorization: Bearer KEY'");
      plan.refusal->headers.emplace_back("WWW-Authenticate", "Bearer");
      return plan;
    }
    request.api_key_id = *key_id;
  }
  plan.body_limit = route->body == BodyKind::multipart ? options_.max_upload_bytes
                                                       : options_.max_buffered_bytes;
  std::uint64_t declared = 0;
  if (auto length = request.header("content-length")) {
    try {
      declared = std::stoull(*length);
    } catch (const std::exception&) {
      plan.refusal = error_response(400, "invalid_argument", "Content-Length is not a number");
      return plan;
    }
    // Multipart framing adds a few hundred bytes around the file itself.
    const std::uint64_t slack = route->body == BodyKind::multipart ? 64 * 1024 : 0;
    if (declared > plan.body_limit + slack) {
      plan.refusal = error_response(413, "too_large",
                                    "the request body is " + std::to_string(declared) +
                                        " bytes; the limit is " + std::to_string(plan.body_limit));
      return plan;
    }
  }
  // Refused before a byte is stored: a full disk would fail the upload
  // half way, or worse, the database beside it.
  if (route->body == BodyKind::multipart && options_.has_room_for && !options_.has_room_for(declared)) {
    plan.refusal = error_response(507, "insufficient_storage",
                                  "the server's disk is nearly full: uploads are paused; try again later");
    return plan;
  }
  plan.file_limit = options_.max_upload_bytes;
  plan.body_limit += route->body == BodyKind::multipart ? 64 * 1024 : 0;
  plan.route = route;
  return plan;
}

HttpResponse Dispatcher::run(const Route& route, HttpRequest& request) const {
  const auto started = std::chrono::steady_clock::now();
  LogContext context({{"request", request.request_id}});
  HttpResponse response;
  try {
    response = route.handler(request);
  } catch (const Error& error) {
    response = error_response(error);
    if (response.status >= 500) spdlog::error("{} {}: {}", request.method, request.path, error.what());
  } catch (const std::exception& error) {
    spdlog::error("{} {}: unexpected: {}", request.method, request.path, error.what());
    response = error_response(500, "internal", "internal error (request " + request.request_id + ")");
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  record(route.name, request, response.deferred ? 200 : response.status, seconds);
  return response;
}

namespace {

// A metric label from a fixed set: a client can send any method name, and
// each new label would be a new series kept for ever.
const std::string& method_label(const std::string& method) {
  static const std::array<std::string, 8> known = {"GET",    "HEAD",    "POST",  "PUT",
                                                   "DELETE", "OPTIONS", "PATCH", "other"};
  const auto found = std::find(known.begin(), known.end() - 1, method);
  return *found;  // "other" when none of the others
}

}  // namespace

void Dispatcher::record(const std::string& route, const HttpRequest& request, int status,
                        double seconds) const {
  if (options_.on_request) options_.on_request(route, method_label(request.method), status, seconds);
  spdlog::info("{} {} {} {:.1f} ms", request.method, request.path, status, seconds * 1000);
}

}  // namespace soundscripter
