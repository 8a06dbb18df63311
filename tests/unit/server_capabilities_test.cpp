// What an API process says it can run when its models are elsewhere: in
// distributed mode the workers' heartbeats name their engines and models,
// and an API that knows of none yet refuses nothing for an engine's sake.
#include <gtest/gtest.h>

#include "api/server_capabilities.hpp"
#include "support/in_process_api_services.hpp"
#include "support/scoped_env.hpp"
#include "support/temp_dir.hpp"
#include "util/error.hpp"

namespace soundscripter {
namespace {

class server_capabilities_test : public ::testing::Test {
 protected:
  test::TempDir dir_{"soundscripter-capabilities"};
  test::ScopedEnv models_{"SOUNDSCRIPTER_MODELS_DIR", (dir_ / "no-models").string()};
  // An API process with no engine configured and no model of its own.
  test::InProcessApiServices parts_{dir_.path()};
  ApiServices& services_ = parts_.services;
  JobStore* store_ = parts_.store.get();

  void beat(const std::string& id, std::vector<std::string> engines) {
    WorkerInfo worker;
    worker.id = id;
    worker.host = "gpu-1";
    worker.slots = 1;
    worker.engines = std::move(engines);
    worker.started_at = unix_now();
    store_->beat_worker(worker);
  }
};

JobRequest translate_request() {
  JobRequest request;
  request.translate = true;
  return request;
}

TEST_F(server_capabilities_test, BeforeAnyWorkerIsSeenOnlySphinxIsOfferedAndJobsNamingNoEngineAreNotRefused) {
  const ServerCapabilities capabilities = server_capabilities(services_);
  EXPECT_TRUE(capabilities.default_engine.empty());
  ASSERT_EQ(capabilities.engines.size(), 1u);
  EXPECT_EQ(capabilities.engines[0].name, "sphinx");
  EXPECT_TRUE(capabilities.models.empty());
  EXPECT_TRUE(to_json(capabilities, services_)["default_engine"].is_null());
  // The workers that will come decide; nothing is refused on a guess.
  EXPECT_NO_THROW(check_request_fits(capabilities, translate_request()));
  JobRequest sphinx = translate_request();
  sphinx.engine = "sphinx";
  EXPECT_THROW(check_request_fits(capabilities, sphinx), Error);
  // Nor a job naming an engine that workers not seen yet may have.
  JobRequest whisper;
  whisper.engine = "whisper";
  EXPECT_NO_THROW(check_request_fits(capabilities, whisper));
}

TEST_F(server_capabilities_test, LiveWorkersEnginesAndModelsAreOfferedWithTheirLanguages) {
  beat("w1", {"whisper:base.en", "sphinx"});
  beat("w2", {"whisper:/models/ggml-small.bin"});  // started with --model PATH
  const ServerCapabilities capabilities = server_capabilities(services_);
  EXPECT_EQ(capabilities.default_engine, "whisper");
  ASSERT_EQ(capabilities.models.size(), 2u);
  EXPECT_EQ(capabilities.models[0].name, "base.en");
  EXPECT_FALSE(capabilities.models[0].translate);
  EXPECT_EQ(capabilities.models[0].languages, std::vector<std::string>{"en"});
  EXPECT_EQ(capabilities.models[1].name, "small");
  EXPECT_TRUE(capabilities.models[1].translate);

  JobRequest english_only = translate_request();
  english_only.model = "base.en";
  try {
    check_request_fits(capabilities, english_only);
    ADD_FAILURE() << "translation on an English-only model was not refused";
  } catch (const Error& error) {
    EXPECT_NE(std::string(error.what()).find("'base.en' cannot translate"), std::string::npos) << error.what();
  }
  JobRequest multilingual = translate_request();
  multilingual.model = "small";
  EXPECT_NO_THROW(check_request_fits(capabilities, multilingual));
  // Live workers, none with Parakeet: refused.
  JobRequest parakeet;
  parakeet.engine = "parakeet";
  EXPECT_THROW(check_request_fits(capabilities, parakeet), Error);
}

TEST_F(server_capabilities_test, AModelNamedWithoutAnEngineIsCheckedAgainstItsOwnEngine) {
  beat("w1", {"whisper:base.en", "parakeet:parakeet-tdt-0.6b-v3"});
  const ServerCapabilities capabilities = server_capabilities(services_);
  JobRequest request;
  request.model = "parakeet-tdt-0.6b-v3";
  request.language = "de";
  EXPECT_EQ(engine_for(capabilities, request), "parakeet");
  EXPECT_NO_THROW(check_request_fits(capabilities, request));
  request.translate = true;
  EXPECT_THROW(check_request_fits(capabilities, request), Error);
}

}  // namespace
}  // namespace soundscripter
