// The HTTP status and JSON body each error code becomes.
#include <gtest/gtest.h>

#include "api/error_status.hpp"

namespace soundscripter {
namespace {

TEST(error_status, ADiskThatIsFullIs507WithoutTheServersPaths) {
  const HttpResponse response = error_response(
      Error(ErrorCode::insufficient_storage,
            "job store /srv/soundscripter/jobs.db: job j_1: create: database or disk is full"));
  EXPECT_EQ(response.status, 507);
  const auto body = nlohmann::json::parse(response.body);
  EXPECT_EQ(body["error"]["code"], "insufficient_storage");
  const std::string message = body["error"]["message"];
  EXPECT_EQ(message.find('/'), std::string::npos) << message;
  EXPECT_NE(message.find("disk is full"), std::string::npos) << message;
}

TEST(error_status, EveryCodeHasAStatusAndAName) {
  for (ErrorCode code : {ErrorCode::invalid_argument, ErrorCode::not_found, ErrorCode::too_large,
                         ErrorCode::unsupported_media, ErrorCode::backend_unavailable,
                         ErrorCode::insufficient_storage, ErrorCode::internal}) {
    EXPECT_GE(http_status_for(code), 400) << to_string(code);
    EXPECT_NE(to_string(code), "") << http_status_for(code);
  }
  EXPECT_EQ(http_status_for(ErrorCode::insufficient_storage), 507);
}

}  // namespace
}  // namespace soundscripter
