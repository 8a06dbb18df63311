// `soundscripter transcribe` as a user runs it: outputs, errors per file.
#include <gtest/gtest.h>

#include <fstream>

#include "support/process.hpp"
#include "support/test_paths.hpp"

namespace soundscripter::test {
namespace {

std::string slurp(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

TEST(TranscribeCli, BadFileGetsOneErrorLineAndOthersAreStillDone) {
  const auto dir = test_data_dir() / "transcribe-cli";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir / "out");
  std::ofstream(dir / "notes.mp3") << "this is a text file, not audio\n";

  auto result = run_process({soundscripter_binary(), "transcribe", (dir / "notes.mp3").string(),
                             jfk_wav(), "--engine", "sphinx", "--format", "txt,srt,json",
                             "--output-dir", (dir / "out").string()});
  EXPECT_EQ(result.exit_code, 1) << result.err;
  // Exactly one error line, naming the bad file.
  std::size_t errors = 0, at = 0;
  while ((at = result.err.find("error: ", at)) != std::string::npos) { ++errors; ++at; }
  EXPECT_EQ(errors, 1u) << result.err;
  EXPECT_NE(result.err.find("notes.mp3"), std::string::npos) << result.err;
  // The good file's transcripts are all there.
  EXPECT_NE(slurp(dir / "out" / "jfk.txt").find("country"), std::string::npos);
  EXPECT_NE(slurp(dir / "out" / "jfk.srt").find("00:00:0"), std::string::npos);
  EXPECT_NE(slurp(dir / "out" / "jfk.json").find("\"segments\""), std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(dir / "out" / "notes.txt"));
}

TEST(TranscribeCli, OneFileGoesToStdoutAndProgressIsPlainWhenNotATerminal) {
  auto result = run_process({soundscripter_binary(), "transcribe", jfk_wav(), "--engine", "sphinx"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.out.find("country"), std::string::npos) << result.out;
  EXPECT_EQ(result.err.find('\r'), std::string::npos);
  EXPECT_NE(result.err.find("jfk.wav: 100%"), std::string::npos) << result.err;
}

TEST(TranscribeCli, InvalidOptionsExitWithUsageError) {
  auto result = run_process({soundscripter_binary(), "transcribe", jfk_wav(), "--beam-size", "0",
                             "--format", "docx"});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find("docx"), std::string::npos) << result.err;
  EXPECT_NE(result.err.find("--beam-size"), std::string::npos) << result.err;
}

TEST(TranscribeCli, MissingModelTellsHowToFetchIt) {
  const auto empty_models = test_data_dir() / "no-models";
  std::filesystem::create_directories(empty_models);
  auto result = run_process({"env", "SOUNDSCRIPTER_MODELS_DIR=" + empty_models.string(),
                             soundscripter_binary(), "transcribe", jfk_wav(), "--model", "base.en"});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_NE(result.err.find("soundscripter models fetch base.en"), std::string::npos) << result.err;
}

}  // namespace
}  // namespace soundscripter::test
