#include <gtest/gtest.h>

#include "app/transcribe_options.hpp"
#include "util/error.hpp"

namespace soundscripter {
namespace {

TranscribeSettings parse(std::vector<std::string> args) {
  CLI::App app;
  TranscribeSettings settings;
  add_transcribe_options(app, settings);
  std::reverse(args.begin(), args.end());  // CLI11 takes them last first
  app.parse(args);
  return settings;
}

TEST(TranscribeOptions, FlagsReachTheEngineOptions) {
  auto s = parse({"a.mp3", "--model", "tiny.en", "--language", "de", "--translate", "--beam-size",
                  "1", "--no-fallback", "--word-timestamps", "--format", "srt,json", "-o", "out",
                  "--threads", "2", "--chunk-length", "60"});
  EXPECT_EQ(s.files, std::vector<std::string>{"a.mp3"});
  EXPECT_EQ(s.engine.model, "tiny.en");
  EXPECT_EQ(s.options.language, "de");
  EXPECT_TRUE(s.options.translate);
  EXPECT_EQ(s.options.beam_size, 1);
  EXPECT_TRUE(s.options.no_fallback);
  EXPECT_TRUE(s.options.word_timestamps);
  EXPECT_EQ(s.options.threads, 2);
  EXPECT_DOUBLE_EQ(s.chunking.chunk_seconds, 60);
  EXPECT_NO_THROW(validate(s));
}

TEST(TranscribeOptions, ValidationReportsEveryProblemAtOnce) {
  auto s = parse({"a.mp3", "--beam-size", "0", "--format", "txt,docx", "--chunk-length", "5"});
  try {
    validate(s);
    FAIL() << "expected invalid_argument";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::invalid_argument);
    std::string message = error.what();
    EXPECT_NE(message.find("--beam-size"), std::string::npos) << message;
    EXPECT_NE(message.find("docx"), std::string::npos) << message;
    EXPECT_NE(message.find("--chunk-length"), std::string::npos) << message;
  }
}

TEST(TranscribeOptions, ChunkLengthAndBeamSizeDefaultToTheEngines) {
  auto s = parse({"a.mp3"});
  EXPECT_EQ(s.chunking.chunk_seconds, ChunkingOptions::kEngineDefault);
  EXPECT_EQ(s.options.beam_size, 0);
  EXPECT_NO_THROW(validate(s));
}

TEST(TranscribeOptions, NoFileIsAParseError) {
  EXPECT_THROW(parse({"--model", "tiny"}), CLI::ParseError);
}

}  // namespace
}  // namespace soundscripter
