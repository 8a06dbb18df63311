// The embedded OpenAPI document describes exactly the server's routes: a
// route added without documentation (or documentation left behind by a
// removed route) fails here. The router is built by the same add_*_routes
// calls as `serve`, over real in-process services in a temporary directory.
#include <algorithm>
#include <cctype>
#include <functional>
#include <iterator>
#include <set>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "api/api_services.hpp"
#include "api/embedded_assets.hpp"
#include "api/router.hpp"
#include "api/service_metrics.hpp"
#include "support/in_process_api_services.hpp"
#include "support/temp_dir.hpp"

namespace soundscripter {
namespace {

const std::set<std::string> kMethods = {"get", "put", "post", "delete", "patch", "head", "options"};

nlohmann::json embedded_document() {
  const EmbeddedAsset* asset = find_embedded_asset("openapi.json");
  if (!asset) throw std::runtime_error("openapi.json is not embedded");
  return nlohmann::json::parse(asset->bytes);
}

std::string lower(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

std::string upper(std::string text) {
  for (char& c : text) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return text;
}

class openapi_document : public ::testing::Test {
 protected:
  void SetUp() override {
    add_job_routes(router_, services_);
    add_event_routes(router_, services_);
    add_openai_routes(router_, services_);
    add_system_routes(router_, services_);
    add_capability_routes(router_, services_);
    add_docs_routes(router_);
  }

  const nlohmann::json& operation(const Route& route) const {
    return document_.at("paths").at(route.pattern).at(lower(route.method));
  }

  test::TempDir dir_{"soundscripter-openapi"};
  test::InProcessApiServices parts_{dir_.path()};
  ApiServices& services_ = parts_.services;
  Router router_;
  nlohmann::json document_ = embedded_document();
};

TEST_F(openapi_document, IsOpenApi31) {
  EXPECT_EQ(document_.at("openapi"), "3.1.0");
  EXPECT_TRUE(document_.at("info").contains("title"));
  EXPECT_TRUE(document_.at("info").contains("version"));
  EXPECT_EQ(document_.at("components").at("securitySchemes").at("bearerAuth").at("scheme"), "bearer");
}

TEST_F(openapi_document, ListsExactlyTheRegisteredRoutes) {
  std::set<std::string> registered;
  for (const auto& route : router_.routes()) registered.insert(route.method + " " + route.pattern);
  std::set<std::string> documented;
  for (const auto& [path, item] : document_.at("paths").items()) {
    for (const auto& [method, ignored] : item.items()) {
      if (kMethods.contains(method)) documented.insert(upper(method) + " " + path);
    }
  }
  std::vector<std::string> undocumented;
  std::set_difference(registered.begin(), registered.end(), documented.begin(), documented.end(),
                      std::back_inserter(undocumented));
  std::vector<std::string> stale;
  std::set_difference(documented.begin(), documented.end(), registered.begin(), registered.end(),
                      std::back_inserter(stale));
  EXPECT_TRUE(undocumented.empty()) << "routes missing from src/api/openapi.json: "
                                    << nlohmann::json(undocumented).dump();
  EXPECT_TRUE(stale.empty()) << "documented but not registered: " << nlohmann::json(stale).dump();
  EXPECT_GE(registered.size(), 19u);
}

TEST_F(openapi_document, PublicRoutesAndOnlyThoseNeedNoKey) {
  for (const auto& route : router_.routes()) {
    const nlohmann::json& op = operation(route);
    const bool documented_public = op.contains("security") && op.at("security").empty();
    EXPECT_EQ(documented_public, !route.needs_auth) << route.method << " " << route.pattern;
  }
}

TEST_F(openapi_document, RoutesWithABodyDocumentIt) {
  for (const auto& route : router_.routes()) {
    const nlohmann::json& op = operation(route);
    if (route.body == BodyKind::multipart) {
      ASSERT_TRUE(op.contains("requestBody")) << route.pattern;
      const auto& schema = op.at("requestBody").at("content").at("multipart/form-data").at("schema");
      ASSERT_TRUE(schema.contains("$ref")) << route.pattern;
    } else if (route.body == BodyKind::buffered) {
      ASSERT_TRUE(op.contains("requestBody")) << route.pattern;
      EXPECT_TRUE(op.at("requestBody").at("content").contains("application/json")) << route.pattern;
    } else {
      EXPECT_FALSE(op.contains("requestBody")) << route.method << " " << route.pattern;
    }
  }
}

TEST_F(openapi_document, EveryOperationHasAnIdResponsesAndItsPathParameters) {
  std::set<std::string> ids;
  for (const auto& route : router_.routes()) {
    const nlohmann::json& op = operation(route);
    const std::string where = route.method + " " + route.pattern;
    ASSERT_TRUE(op.contains("operationId")) << where;
    EXPECT_TRUE(ids.insert(op.at("operationId").get<std::string>()).second) << "duplicate id at " << where;
    EXPECT_FALSE(op.at("responses").empty()) << where;
    std::set<std::string> declared;
    for (const auto& parameter : op.value("parameters", nlohmann::json::array())) {
      if (parameter.value("in", "") == "path") declared.insert(parameter.at("name").get<std::string>());
    }
    std::set<std::string> in_pattern;
    for (const auto& part : split_path(route.pattern)) {
      if (part.front() == '{') in_pattern.insert(part.substr(1, part.size() - 2));
    }
    EXPECT_EQ(declared, in_pattern) << where;
  }
}

// Every "$ref" points at something in the document.
TEST_F(openapi_document, EveryReferenceResolves) {
  std::vector<std::string> broken;
  std::function<void(const nlohmann::json&)> walk = [&](const nlohmann::json& node) {
    if (node.is_object()) {
      if (auto ref = node.find("$ref"); ref != node.end() && ref->is_string()) {
        const std::string target = ref->get<std::string>();
        if (!target.starts_with("#/") || !document_.contains(nlohmann::json::json_pointer(target.substr(1)))) {
          broken.push_back(target);
        }
      }
      for (const auto& [key, child] : node.items()) walk(child);
    } else if (node.is_array()) {
      for (const auto& child : node) walk(child);
    }
  };
  walk(document_);
  EXPECT_TRUE(broken.empty()) << nlohmann::json(broken).dump();
}

}  // namespace
}  // namespace soundscripter
