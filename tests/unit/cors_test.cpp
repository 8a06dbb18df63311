// CORS: off by default; when origins are listed, only they get the
// headers, and a preflight is answered before routing and keys.
#include <gtest/gtest.h>

#include "api/cors.hpp"
#include "api/dispatcher.hpp"
#include "api/router.hpp"

namespace soundscripter {
namespace {

HttpRequest request_from(const std::string& method, const std::string& origin, bool preflight = false) {
  HttpRequest request;
  request.method = method;
  request.path = "/v1/jobs";
  if (!origin.empty()) request.headers["origin"] = origin;
  if (preflight) request.headers["access-control-request-method"] = "POST";
  return request;
}

std::optional<std::string> header(const std::vector<std::pair<std::string, std::string>>& headers,
                                  const std::string& name) {
  for (const auto& [key, value] : headers) {
    if (key == name) return value;
  }
  return std::nullopt;
}

TEST(cors, OffByDefault) {
  const CorsPolicy policy;
  EXPECT_TRUE(policy.response_headers(request_from("GET", "https://evil.example")).empty());
  EXPECT_FALSE(policy.preflight(request_from("OPTIONS", "https://evil.example", true)));
}

TEST(cors, OnlyListedOriginsAreAllowed) {
  const CorsPolicy policy({"https://app.example.com"});
  const auto allowed = policy.response_headers(request_from("GET", "https://app.example.com"));
  EXPECT_EQ(header(allowed, "Access-Control-Allow-Origin"), "https://app.example.com");
  EXPECT_EQ(header(allowed, "Vary"), "Origin");
  const auto other = policy.response_headers(request_from("GET", "https://evil.example"));
  EXPECT_FALSE(header(other, "Access-Control-Allow-Origin"));
  EXPECT_EQ(header(other, "Vary"), "Origin") << "caches must not give one origin's answer to another";

  const auto preflight = policy.preflight(request_from("OPTIONS", "https://app.example.com", true));
  ASSERT_TRUE(preflight);
  EXPECT_EQ(preflight->status, 204);
  EXPECT_NE(header(preflight->headers, "Access-Control-Allow-Headers")->find("Authorization"), std::string::npos);
  const auto refused = policy.preflight(request_from("OPTIONS", "https://evil.example", true));
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 403);
  EXPECT_FALSE(policy.preflight(request_from("OPTIONS", "https://app.example.com", false)))
      << "an OPTIONS without Access-Control-Request-Method is not a preflight";
}

TEST(cors, AStarAllowsAnyOrigin) {
  const CorsPolicy policy({"*"});
  EXPECT_EQ(header(policy.response_headers(request_from("GET", "https://anyone.example")),
                   "Access-Control-Allow-Origin"),
            "https://anyone.example");
}

class dispatcher_refusals : public ::testing::Test {
 protected:
  dispatcher_refusals() {
    router_.add({"POST", "/v1/jobs", "jobs.create", BodyKind::multipart, true,
                 [](HttpRequest&) { return json_response(201, {}); }});
  }
  Router router_;
};

TEST_F(dispatcher_refusals, APreflightNeedsNoKeyAndAnUploadNeedsOne) {
  DispatcherOptions options;
  options.cors = CorsPolicy({"https://app.example.com"});
  options.authenticate = [](std::string_view) -> std::optional<std::string> { return std::nullopt; };
  Dispatcher dispatcher(router_, options);
  auto preflight = request_from("OPTIONS", "https://app.example.com", true);
  const auto plan = dispatcher.plan(preflight);
  ASSERT_TRUE(plan.refusal);
  EXPECT_EQ(plan.refusal->status, 204);
  auto upload = request_from("POST", "https://app.example.com");
  const auto refused = dispatcher.plan(upload);
  ASSERT_TRUE(refused.refusal);
  EXPECT_EQ(refused.refusal->status, 401);
  EXPECT_EQ(header(refused.response_headers, "Access-Control-Allow-Origin"), "https://app.example.com")
      << "the page must be able to read why it was refused";
}

TEST_F(dispatcher_refusals, AnUploadIsRefusedBeforeItsBodyWhenTheDiskIsNearlyFull) {
  DispatcherOptions options;
  std::uint64_t asked = 0;
  options.has_room_for = [&asked](std::uint64_t incoming) {
    asked = incoming;
    return incoming < 1000;
  };
  Dispatcher dispatcher(router_, options);
  auto small = request_from("POST", "");
  small.headers["content-length"] = "500";
  EXPECT_FALSE(dispatcher.plan(small).refusal);
  EXPECT_EQ(asked, 500u);
  auto large = request_from("POST", "");
  large.headers["content-length"] = "5000";
  const auto plan = dispatcher.plan(large);
  ASSERT_TRUE(plan.refusal);
  EXPECT_EQ(plan.refusal->status, 507);
  EXPECT_NE(plan.refusal->body.find("insufficient_storage"), std::string::npos);
  EXPECT_EQ(plan.refusal->body.find("/"), std::string::npos) << "no server path: " << plan.refusal->body;
}

}  // namespace
}  // namespace soundscripter
