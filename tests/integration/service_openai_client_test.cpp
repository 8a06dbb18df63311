// The official OpenAI Node client (npm `openai`, pinned in
// tests/openai-client/package.json) against a real server, with a key, as
// a user of OpenAI's API would point it at this one: every response format,
// streaming, translation and an error. The checks themselves are in
// tests/openai-client/roundtrip.mjs.
#include <gtest/gtest.h>

#include <filesystem>

#include "support/process.hpp"
#include "support/service_fixture.hpp"
#include "support/test_paths.hpp"

namespace soundscripter::test {
namespace {

const std::filesystem::path kClientDir = std::filesystem::path(TESTS_SOURCE_DIR) / "openai-client";

class service_openai_client : public ServiceTest {};

TEST_F(service_openai_client, OfficialNodeClientRoundTrip) {
  ASSERT_EQ(run_process({"node", "--version"}, 30).exit_code, 0) << "node is not installed (scripts/setup installs it)";
  ASSERT_TRUE(std::filesystem::exists(kClientDir / "node_modules" / "openai" / "package.json"))
      << "the openai npm package is not installed: run scripts/setup (npm ci --prefix tests/openai-client)";

  // Multilingual, so that translation is possible.
  ServeProcess& server = start_server(ServeProcess::Options{
      fast_whisper_server_args(2, true), {{"SOUNDSCRIPTER_API_KEYS", "client: sk-soundscripter-test"}},
      std::chrono::seconds(60)});
  const ProcessResult result =
      run_process({"env", "OPENAI_API_KEY=sk-soundscripter-test", "node", (kClientDir / "roundtrip.mjs").string(),
                   server.base_url(), jfk_wav().string()},
                  600);
  EXPECT_EQ(result.exit_code, 0) << result.out << result.err;
  for (const char* check : {"json", "text", "verbose_json", "srt", "vtt", "stream", "translation", "error"}) {
    EXPECT_NE(result.out.find(std::string("ok ") + check + "\n"), std::string::npos)
        << check << " did not pass:\n" << result.out << result.err;
  }

  // Each request was an ordinary job, owned by the client's key.
  const nlohmann::json jobs = ServiceApi(server.base_url(), "sk-soundscripter-test").http().get("/v1/jobs?limit=100").json();
  EXPECT_GE(jobs.value("total", 0), 7) << jobs.dump();
}

TEST_F(service_openai_client, WrongKeyIsRefusedInOpenAisShape) {
  ServeProcess& server = start_server(ServeProcess::Options{
      fast_whisper_server_args(1), {{"SOUNDSCRIPTER_API_KEYS", "client: sk-soundscripter-test"}},
      std::chrono::seconds(60)});
  HttpClient http(server.base_url(), {{"Authorization", "Bearer sk-wrong"}});
  HttpReply reply = http.post_form("/v1/audio/transcriptions",
                                   {FormPart::field("model", "whisper-1"), FormPart::upload("file", jfk_wav())});
  EXPECT_EQ(reply.status, 401) << reply.describe();
  // The SDKs read error.message (and code) from the body.
  EXPECT_FALSE(reply.json()["error"].value("message", "").empty()) << reply.body;
}

}  // namespace
}  // namespace soundscripter::test
