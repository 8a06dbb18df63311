#include <gtest/gtest.h>

#include "client/api_client.hpp"
#include "client/server_address.hpp"
#include "util/error.hpp"

namespace soundscripter {
namespace {

TEST(client_server_address, DefaultThenEnvironmentThenFlags) {
  EXPECT_EQ(resolve_server_address("", "", {}).url, "http://127.0.0.1:8000");
  EXPECT_EQ(resolve_server_address("", "", {}).api_key, "");
  const Environment env = {{"SOUNDSCRIPTER_SERVER", "https://stt.example/"}, {"SOUNDSCRIPTER_API_KEY", "env-key"}};
  const ServerAddress from_env = resolve_server_address("", "", env);
  EXPECT_EQ(from_env.url, "https://stt.example");
  EXPECT_EQ(from_env.api_key, "env-key");
  const ServerAddress from_flags = resolve_server_address("http://10.0.0.2:9000", "flag-key", env);
  EXPECT_EQ(from_flags.url, "http://10.0.0.2:9000");
  EXPECT_EQ(from_flags.api_key, "flag-key");
}

TEST(client_server_address, AUrlThatIsNotHttpIsRefusedNamingWhereItCameFrom) {
  try {
    resolve_server_address("", "", {{"SOUNDSCRIPTER_SERVER", "127.0.0.1:8000"}});
    FAIL() << "no error";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::invalid_argument);
    EXPECT_STREQ(error.what(), "SOUNDSCRIPTER_SERVER: '127.0.0.1:8000' is not an http:// or https:// URL");
  }
}

TEST(client_api_response, TheServersMessageIsTheReasonAndOnlyAbsenceOrA5xxGatewayIsWorthRetrying) {
  ApiResponse refused{400, R"({"error":{"code":"unsupported_media","message":"x.mp3: not audio"}})", "", false};
  EXPECT_EQ(refused.error_message(), "x.mp3: not audio");
  EXPECT_EQ(refused.to_error().code(), ErrorCode::invalid_argument);
  EXPECT_FALSE(refused.server_away());
  ApiResponse plain{500, "boom\n", "", false};
  EXPECT_EQ(plain.error_message(), "HTTP 500: boom");
  EXPECT_FALSE(plain.server_away());
  ApiResponse nobody{0, "", "Couldn't connect to server", false};
  EXPECT_EQ(nobody.error_message(), "Couldn't connect to server");
  EXPECT_TRUE(nobody.server_away());
  EXPECT_TRUE((ApiResponse{503, "", "", false}.server_away()));
  EXPECT_FALSE((ApiResponse{0, "", "", true}.server_away())) << "an interrupted request is not retried";
}

}  // namespace
}  // namespace soundscripter
