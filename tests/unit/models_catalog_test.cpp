// The model catalog, where models live, and which file a name resolves to.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <optional>
#include <string>

#include "models/model_catalog.hpp"
#include "support/scoped_env.hpp"

namespace soundscripter {
namespace {

namespace fs = std::filesystem;
using test::ScopedEnv;


class models_catalog : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("soundscripter-models-" + std::to_string(getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    env_.emplace("SOUNDSCRIPTER_MODELS_DIR", dir_.string());
  }
  void TearDown() override {
    env_.reset();
    fs::remove_all(dir_);
  }
  fs::path touch(const std::string& file_name) {
    const fs::path path = dir_ / file_name;
    std::ofstream(path) << "model";
    return path;
  }

  fs::path dir_;
  std::optional<ScopedEnv> env_;
};

TEST_F(models_catalog, KnowsEveryPublishedModelSmallestFirst) {
  for (const char* name : {"tiny", "tiny.en", "base", "base.en", "small", "small.en", "medium",
                           "medium.en", "large-v1", "large-v2", "large-v3", "large-v3-turbo"}) {
    const KnownModel* model = find_known_model(name);
    ASSERT_NE(model, nullptr) << name;
    EXPECT_EQ(model->file_name(), std::string("ggml-") + name + ".bin");
    EXPECT_EQ(model->sha1.size(), 40u) << name;
    EXPECT_EQ(model->sha1.find_first_not_of("0123456789abcdef"), std::string::npos) << name;
  }
  EXPECT_EQ(find_known_model("base.en")->size_bytes, 147964211u);
  EXPECT_EQ(find_known_model("base.en")->sha1, "137c40403d78fd54d454da0f9bd998f78703390c");
  EXPECT_EQ(find_known_model("huge"), nullptr);
  const auto& models = known_models();
  EXPECT_TRUE(std::is_sorted(models.begin(), models.end(), [](const auto& a, const auto& b) {
    return a.size_bytes < b.size_bytes;
  }));
}

TEST_F(models_catalog, ModelsDirFollowsTheEnvironment) {
  EXPECT_EQ(models_dir(), dir_);
  ScopedEnv no_override("SOUNDSCRIPTER_MODELS_DIR", std::nullopt);
  {
    ScopedEnv xdg("XDG_DATA_HOME", "/srv/data");
    EXPECT_EQ(models_dir(), fs::path("/srv/data/soundscripter/models"));
  }
  ScopedEnv relative_xdg("XDG_DATA_HOME", "relative/is/ignored");
  ScopedEnv home("HOME", "/home/someone");
  EXPECT_EQ(models_dir(), fs::path("/home/someone/.local/share/soundscripter/models"));
}

TEST_F(models_catalog, ResolvesInstalledNamesAndExistingPaths) {
  const fs::path base_en = touch("ggml-base.en.bin");
  EXPECT_EQ(resolve_model("base.en"), base_en);
  EXPECT_EQ(resolve_model("ggml-base.en.bin"), base_en);
  EXPECT_EQ(resolve_model(base_en.string()), base_en);
  EXPECT_EQ(resolve_model("tiny"), std::nullopt);
  EXPECT_EQ(resolve_model((dir_ / "missing.bin").string()), std::nullopt);
  EXPECT_EQ(resolve_model(""), std::nullopt);
}

TEST_F(models_catalog, DefaultModelIsNoneInAnEmptyDirectory) {
  touch("ggml-base.en.bin.part");  // an unfinished download is not a model
  EXPECT_EQ(default_model(), std::nullopt);
}

TEST_F(models_catalog, DefaultModelPrefersBaseEnOverOthers) {
  touch("ggml-tiny.bin");
  EXPECT_EQ(default_model(), dir_ / "ggml-tiny.bin");
  touch("ggml-small.bin");
  EXPECT_EQ(default_model(), dir_ / "ggml-small.bin");
  touch("ggml-base.en.bin");
  EXPECT_EQ(default_model(), dir_ / "ggml-base.en.bin");
}

TEST_F(models_catalog, DefaultModelFallsBackToAnyInstalledFileByName) {
  touch("ggml-zz-custom.bin");
  touch("ggml-aa-custom.bin");
  touch("notes.bin");
  EXPECT_EQ(default_model(), dir_ / "ggml-aa-custom.bin");
}

}  // namespace
}  // namespace soundscripter
