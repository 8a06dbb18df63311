// The embedded pages and files: the OpenAPI document, Swagger UI under
// /docs/ (with its redirect), the web page, content types, caching, and no
// way out of the embedded folders.
#include <fstream>
#include <iterator>

#include <gtest/gtest.h>

#include "api/api_services.hpp"
#include "api/embedded_assets.hpp"
#include "api/router.hpp"

namespace soundscripter {
namespace {

class api_docs_routes : public ::testing::Test {
 protected:
  void SetUp() override { add_docs_routes(router_); }

  HttpResponse get(const std::string& path, std::map<std::string, std::string> headers = {}) {
    HttpRequest request;
    request.method = "GET";
    request.path = path;
    request.target = path;
    request.headers = std::move(headers);
    const Route* route = router_.match("GET", path, request.path_params);
    if (!route) return error_response(404, "not_found", "no route");
    EXPECT_FALSE(route->needs_auth) << path;
    return route->handler(request);
  }

  static std::string header(const HttpResponse& response, const std::string& name) {
    for (const auto& [key, value] : response.headers) {
      if (key == name) return value;
    }
    return "";
  }

  Router router_;
};

TEST_F(api_docs_routes, ServesTheEmbeddedOpenApiDocument) {
  HttpResponse response = get("/openapi.json");
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.content_type, "application/json");
  EXPECT_EQ(response.body, find_embedded_asset("openapi.json")->bytes);
}

TEST_F(api_docs_routes, DocsRedirectsToItsFolderSoRelativeUrlsResolve) {
  HttpResponse response = get("/docs");
  EXPECT_EQ(response.status, 301);
  EXPECT_EQ(header(response, "Location"), "docs/");

  HttpResponse page = get("/docs/");
  EXPECT_EQ(page.status, 200);
  EXPECT_EQ(page.content_type, "text/html; charset=utf-8");
  // Swagger UI starts from a script file (no inline script: the CSP
  // allows none), which names the document relative to /docs/.
  EXPECT_NE(page.body.find("<script src=\"docs-init.js\">"), std::string::npos) << page.body;
  EXPECT_EQ(page.body.find("<script>"), std::string::npos) << "an inline script";
  HttpResponse starter = get("/docs/docs-init.js");
  EXPECT_EQ(starter.status, 200);
  EXPECT_NE(starter.body.find("\"../openapi.json\""), std::string::npos) << starter.body;
}

TEST_F(api_docs_routes, SwaggerUiIsServedFromTheBinary) {
  if (!find_embedded_asset("swagger-ui/swagger-ui-bundle.js")) {
    GTEST_SKIP() << "built without Swagger UI (scripts/setup fetches it)";
  }
  EXPECT_NE(get("/docs/").body.find("swagger-ui-bundle.js"), std::string::npos);
  HttpResponse script = get("/docs/swagger-ui-bundle.js");
  EXPECT_EQ(script.status, 200);
  EXPECT_EQ(script.content_type, "text/javascript; charset=utf-8");
  EXPECT_GT(script.body.size(), 100000u);
  EXPECT_EQ(header(script, "Cache-Control"), "public, max-age=86400");
  EXPECT_EQ(get("/docs/swagger-ui.css").content_type, "text/css; charset=utf-8");
  EXPECT_EQ(get("/docs/favicon-32x32.png").content_type, "image/png");
}

TEST_F(api_docs_routes, TheWebPageAndItsFiles) {
  HttpResponse page = get("/");
  EXPECT_EQ(page.status, 200);
  EXPECT_EQ(page.content_type, "text/html; charset=utf-8");
  EXPECT_NE(page.body.find("web/app.js"), std::string::npos);
  EXPECT_EQ(get("/web/app.js").content_type, "text/javascript; charset=utf-8");
  EXPECT_EQ(get("/web/style.css").content_type, "text/css; charset=utf-8");
}

TEST_F(api_docs_routes, AnUnchangedFileIsNotSentAgain) {
  HttpResponse first = get("/web/app.js");
  const std::string tag = header(first, "ETag");
  ASSERT_FALSE(tag.empty());
  HttpResponse again = get("/web/app.js", {{"if-none-match", tag}});
  EXPECT_EQ(again.status, 304);
  EXPECT_TRUE(again.body.empty());
  EXPECT_EQ(get("/web/app.js", {{"if-none-match", "\"other\""}}).status, 200);
}

TEST_F(api_docs_routes, OnlyEmbeddedFilesAreServed) {
  EXPECT_EQ(get("/web/missing.js").status, 404);
  EXPECT_EQ(get("/docs/..").status, 404);
  EXPECT_EQ(get("/web/.hidden").status, 404);
}

TEST(api_embedded_assets, AreTheFilesByteForByte) {
  std::ifstream file(std::string(TESTS_SOURCE_DIR) + "/../src/api/openapi.json", std::ios::binary);
  const std::string source((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  ASSERT_FALSE(source.empty());
  EXPECT_EQ(find_embedded_asset("openapi.json")->bytes, source);
  // Binary files keep their NUL bytes.
  if (const EmbeddedAsset* icon = find_embedded_asset("swagger-ui/favicon-32x32.png")) {
    EXPECT_TRUE(icon->bytes.starts_with("\x89PNG\r\n\x1a\n"));
    EXPECT_NE(icon->bytes.find('\0'), std::string_view::npos);
  }
}

TEST(api_embedded_assets, ContentTypesByExtension) {
  EXPECT_EQ(content_type_for("index.html"), "text/html; charset=utf-8");
  EXPECT_EQ(content_type_for("LICENSE"), "text/plain; charset=utf-8");
  EXPECT_EQ(content_type_for("blob.bin"), "application/octet-stream");
}

}  // namespace
}  // namespace soundscripter
