// The model catalog, where models live, and which file a name resolves to.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

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
  std::vector<KnownModel> whisper_models;
  for (const auto& model : known_models()) {
    if (model.family == ModelFamily::whisper) whisper_models.push_back(model);
  }
  EXPECT_TRUE(std::is_sorted(whisper_models.begin(), whisper_models.end(),
                             [](const auto& a, const auto& b) { return a.size_bytes < b.size_bytes; }));
}

TEST_F(models_catalog, KnowsParakeetFilesAndTheirVariantsByOneName) {
  const KnownModel* full = find_known_model("parakeet-tdt-0.6b-v3");
  ASSERT_NE(full, nullptr);
  EXPECT_EQ(full->name, "parakeet-tdt-0.6b-v3-f16");
  EXPECT_EQ(full->file_name(), "ggml-parakeet-tdt-0.6b-v3-f16.bin");
  EXPECT_EQ(full->family, ModelFamily::parakeet);
  EXPECT_EQ(full->repository, "ggml-org/parakeet-GGUF");
  for (const auto& model : known_models()) {
    if (model.family != ModelFamily::parakeet) continue;
    // Each can be checked somehow: a SHA-256, or at least the size.
    EXPECT_TRUE(model.sha256.size() == 64 || model.size_bytes > 0) << model.name;
    EXPECT_EQ(model.sha256.find_first_not_of("0123456789abcdef"), std::string::npos) << model.name;
    EXPECT_TRUE(model.sha1.empty()) << model.name;
  }
  EXPECT_EQ(find_known_model("parakeet-tdt-0.6b-v3-q8_0")->size_bytes, 668757119u);
  // Only precisions may be left out: "large" is not large-v3-turbo-q5_0.
  EXPECT_EQ(find_known_model("large"), nullptr);
}

TEST_F(models_catalog, ANameWithoutItsPrecisionFindsAnInstalledVariant) {
  EXPECT_EQ(resolve_model("parakeet-tdt-0.6b-v3"), std::nullopt);
  const fs::path q8 = touch("ggml-parakeet-tdt-0.6b-v3-q8_0.bin");
  EXPECT_EQ(resolve_model("parakeet-tdt-0.6b-v3"), q8);
  EXPECT_EQ(installed_model_named("parakeet-tdt-0.6b-v3"), q8);
  const fs::path f16 = touch("ggml-parakeet-tdt-0.6b-v3-f16.bin");
  EXPECT_EQ(resolve_model("parakeet-tdt-0.6b-v3"), f16);  // full precision first
  EXPECT_EQ(resolve_model("parakeet-tdt-0.6b-v3-q8_0"), q8);
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

// The first bytes of a ggml file: the magic, the hyperparameters, and the
// mel filters' header, where Whisper's and Parakeet's files differ.
void write_header(const fs::path& path, std::vector<std::int32_t> fields) {
  std::ofstream out(path, std::ios::binary);
  const std::uint32_t magic = 0x67676d6c;
  out.write(reinterpret_cast<const char*>(&magic), sizeof magic);
  out.write(reinterpret_cast<const char*>(fields.data()),
            static_cast<std::streamsize>(fields.size() * sizeof(std::int32_t)));
}

// parakeet-tdt-0.6b-v3's header, and base.en's.
const std::vector<std::int32_t> kParakeetHeader = {8192, 5000, 1024, 8, 24, 128, 1, 512, 8,
                                                   256, 9, 640, 2, 5, 10, 128, 257};
const std::vector<std::int32_t> kWhisperHeader = {51864, 1500, 512, 8, 6, 448, 512, 8, 6, 80, 1, 80, 201};

TEST_F(models_catalog, TellsWhisperAndParakeetFilesApartByTheirHeaders) {
  write_header(dir_ / "p.bin", kParakeetHeader);
  write_header(dir_ / "w.bin", kWhisperHeader);
  EXPECT_EQ(sniff_model_family(dir_ / "p.bin"), ModelFamily::parakeet);
  EXPECT_EQ(sniff_model_family(dir_ / "w.bin"), ModelFamily::whisper);
  EXPECT_EQ(sniff_model_family(touch("text.bin")), ModelFamily::unknown);
  EXPECT_EQ(sniff_model_family(dir_ / "missing.bin"), ModelFamily::unknown);
  auto short_header = kParakeetHeader;
  short_header.resize(10);
  write_header(dir_ / "short.bin", short_header);
  EXPECT_EQ(sniff_model_family(dir_ / "short.bin"), ModelFamily::unknown);
}

TEST_F(models_catalog, EachEngineDefaultsToAModelOfItsOwnFamily) {
  write_header(dir_ / "ggml-aa-parakeet.bin", kParakeetHeader);
  write_header(dir_ / "ggml-zz-whisper.bin", kWhisperHeader);
  EXPECT_EQ(default_model(), dir_ / "ggml-zz-whisper.bin");
  EXPECT_EQ(default_model(ModelFamily::parakeet), dir_ / "ggml-aa-parakeet.bin");
  write_header(dir_ / "ggml-parakeet-tdt-0.6b-v3-q8_0.bin", kParakeetHeader);
  EXPECT_EQ(default_model(ModelFamily::parakeet), dir_ / "ggml-parakeet-tdt-0.6b-v3-q8_0.bin");
}

TEST_F(models_catalog, DefaultModelFallsBackToAnyInstalledFileByName) {
  touch("ggml-zz-custom.bin");
  touch("ggml-aa-custom.bin");
  touch("notes.bin");
  EXPECT_EQ(default_model(), dir_ / "ggml-aa-custom.bin");
}

}  // namespace
}  // namespace soundscripter
