// Routes: method + path pattern ("/v1/jobs/{id}") to a handler, and what the
// server must do with the request's body before the handler runs.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "api/http_types.hpp"

namespace soundscripter {

enum class BodyKind {
  none,       // no body expected (GET, DELETE); a small one is read and ignored
  buffered,   // read whole into HttpRequest::body (small JSON bodies)
  multipart,  // streamed to disk by MultipartReader into form/files
};

struct Route {
  std::string method;
  std::string pattern;          // segments in braces capture path_params
  std::string name;             // for metrics and logs, e.g. "jobs.create"
  BodyKind body = BodyKind::none;
  bool needs_auth = true;       // false for health checks, docs and the page
  std::function<HttpResponse(HttpRequest&)> handler;
};

class Router {
 public:
  void add(Route route);

  // The route for method and path, filling params; nullptr when none.
  const Route* match(const std::string& method, const std::string& path,
                     std::map<std::string, std::string>& params) const;

  // Methods allowed for a path that exists (for a 405's Allow header); empty
  // when no route has this path.
  std::vector<std::string> allowed_methods(const std::string& path) const;

  const std::vector<Route>& routes() const { return routes_; }

 private:
  std::vector<Route> routes_;
  std::vector<std::vector<std::string>> patterns_;  // routes_[i].pattern split once, at add()
};

// Splits "/a/b/" into {"a", "b"}.
std::vector<std::string> split_path(const std::string& path);

}  // namespace soundscripter
