// The API description and the pages people open: GET /openapi.json, the
// Swagger UI at /docs, and the web page at /. All of it is embedded in the
// binary (cmake/embed.cmake), so it works offline and needs no API key
// (the page asks for one and sends it with its own requests).
//
// Pages and their assets use relative URLs, so they also work behind a
// proxy that mounts the server under a path prefix: that is why /docs
// redirects to /docs/ (its assets then resolve to /docs/...).
#include <cstdio>
#include <functional>
#include <map>

#include "api/api_services.hpp"
#include "api/embedded_assets.hpp"
#include "api/router.hpp"

namespace soundscripter {
namespace {

// Assets change only with the binary: a validator lets browsers revalidate
// cheaply (304) instead of downloading Swagger UI's megabytes again. Hashed
// once per asset, not per request.
const std::string& entity_tag(const EmbeddedAsset& asset) {
  static const std::map<const EmbeddedAsset*, std::string> tags = [] {
    std::map<const EmbeddedAsset*, std::string> all;
    for (const auto& each : embedded_assets()) {
      char tag[24];
      std::snprintf(tag, sizeof tag, "\"%016zx\"", std::hash<std::string_view>{}(each.bytes));
      all.emplace(&each, tag);
    }
    return all;
  }();
  return tags.at(&asset);
}

HttpResponse asset_response(const HttpRequest& request, const EmbeddedAsset& asset,
                            std::string_view file_name, const std::string& cache_control) {
  HttpResponse response;
  const std::string& tag = entity_tag(asset);
  response.content_type = std::string(content_type_for(file_name));
  response.headers = {{"Cache-Control", cache_control}, {"ETag", tag}};
  if (request.header("if-none-match") == tag) {
    response.status = 304;
    return response;
  }
  response.body = std::string(asset.bytes);
  return response;
}

HttpResponse not_found(const std::string& path) {
  return error_response(404, "not_found", "no such file: " + path);
}

// `file` inside `folder` of the embedded assets; only plain names, so no
// path can reach outside it.
HttpResponse serve_asset(const HttpRequest& request, const std::string& folder,
                         const std::string& file, const std::string& cache_control) {
  if (file.find('/') != std::string::npos || file.starts_with(".")) return not_found(request.path);
  const EmbeddedAsset* asset = find_embedded_asset(folder + "/" + file);
  if (!asset) return not_found(request.path);
  return asset_response(request, *asset, file, cache_control);
}

HttpResponse openapi_document(HttpRequest& request) {
  const EmbeddedAsset* asset = find_embedded_asset("openapi.json");
  if (!asset) return not_found(request.path);
  return asset_response(request, *asset, "openapi.json", "no-cache");
}

HttpResponse docs_page(HttpRequest& request) {
  if (!request.path.ends_with("/")) {
    HttpResponse redirect;
    redirect.status = 301;
    redirect.content_type = "text/plain; charset=utf-8";
    redirect.headers = {{"Location", "docs/"}};
    redirect.body = "moved to docs/\n";
    return redirect;
  }
  // Without the Swagger UI files (scripts/setup fetches them) the page says
  // so rather than showing nothing.
  const bool have_swagger = find_embedded_asset("swagger-ui/swagger-ui-bundle.js") != nullptr;
  const EmbeddedAsset* page = find_embedded_asset(have_swagger ? "web/docs.html" : "web/docs-missing.html");
  if (!page) return not_found(request.path);
  return asset_response(request, *page, "docs.html", "no-cache");
}

HttpResponse web_page(HttpRequest& request) {
  const EmbeddedAsset* page = find_embedded_asset("web/index.html");
  if (!page) return not_found(request.path);
  return asset_response(request, *page, "index.html", "no-cache");
}

}  // namespace

void add_docs_routes(Router& router) {
  router.add({"GET", "/openapi.json", "docs.openapi", BodyKind::none, false, openapi_document});
  router.add({"GET", "/docs", "docs.page", BodyKind::none, false, docs_page});
  router.add({"GET", "/docs/{asset}", "docs.asset", BodyKind::none, false, [](HttpRequest& request) {
                const std::string& asset = request.path_params.at("asset");
                // Our own starter script sits beside Swagger UI's files.
                if (asset == "docs-init.js") return serve_asset(request, "web", asset, "no-cache");
                return serve_asset(request, "swagger-ui", asset, "public, max-age=86400");
              }});
  router.add({"GET", "/", "web.page", BodyKind::none, false, web_page});
  router.add({"GET", "/web/{asset}", "web.asset", BodyKind::none, false, [](HttpRequest& request) {
                return serve_asset(request, "web", request.path_params.at("asset"), "no-cache");
              }});
}

}  // namespace soundscripter
