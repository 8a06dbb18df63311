// Reading OpenAI's transcription form into a job: the model mapping, the
// fields as the official clients send them, and every problem at once.
#include <gtest/gtest.h>

#include "api/openai_request.hpp"
#include "util/error.hpp"

namespace soundscripter {
namespace {

HttpRequest form(std::initializer_list<std::pair<const std::string, std::string>> fields) {
  HttpRequest request;
  request.form = fields;
  return request;
}

// "base.en" is the only installed model in these tests.
bool only_base_en(const std::string& name) { return name == "base.en"; }

TEST(api_openai_request, WhisperOneAndUnknownModelsMeanTheServersDefault) {
  for (const char* model : {"whisper-1", "gpt-4o-transcribe", "large-v9", ""}) {
    OpenAiRequest parsed = parse_openai_request(form({{"model", model}}), false, only_base_en);
    EXPECT_EQ(parsed.job.engine, "") << model;
    EXPECT_EQ(parsed.job.model, "") << model;
  }
}

TEST(api_openai_request, AnInstalledModelIsUsed) {
  OpenAiRequest parsed = parse_openai_request(form({{"model", "base.en"}}), false, only_base_en);
  EXPECT_EQ(parsed.job.engine, "whisper");
  EXPECT_EQ(parsed.job.model, "base.en");
}

TEST(api_openai_request, ModelNamesThatArePathsAreNeverInstalled) {
  EXPECT_FALSE(is_installed_model_name("/etc/passwd"));
  EXPECT_FALSE(is_installed_model_name("../ggml-base"));
  EXPECT_FALSE(is_installed_model_name(".hidden"));
  EXPECT_FALSE(is_installed_model_name(""));
}

TEST(api_openai_request, DefaultsAreJsonAtNormalPriority) {
  OpenAiRequest parsed = parse_openai_request(form({{"model", "whisper-1"}}), false, only_base_en);
  EXPECT_EQ(parsed.answer.format, OpenAiResponseFormat::json);
  EXPECT_FALSE(parsed.stream);
  EXPECT_FALSE(parsed.job.translate);
  EXPECT_EQ(parsed.job.priority, 5);
  EXPECT_EQ(parsed.job.language, "auto");
}

TEST(api_openai_request, FieldsAsThePythonClientSendsThem) {
  // openai-python: booleans as "true", floats as str(), arrays as "name[]".
  OpenAiRequest parsed = parse_openai_request(
      form({{"model", "whisper-1"}, {"language", "de"}, {"prompt", "Grüße"}, {"temperature", "0.2"},
            {"response_format", "verbose_json"}, {"timestamp_granularities[]", "word"},
            {"timestamp_granularities[]", "segment"}, {"stream", "true"}}),
      true, only_base_en);
  EXPECT_EQ(parsed.job.language, "de");
  EXPECT_EQ(parsed.job.prompt, "Grüße");
  EXPECT_FLOAT_EQ(parsed.job.temperature, 0.2f);
  EXPECT_FLOAT_EQ(parsed.answer.temperature, 0.2f);
  EXPECT_EQ(parsed.answer.format, OpenAiResponseFormat::verbose_json);
  EXPECT_TRUE(parsed.answer.word_timestamps);
  EXPECT_TRUE(parsed.job.word_timestamps);
  EXPECT_TRUE(parsed.stream);
  EXPECT_TRUE(parsed.job.translate);
  EXPECT_TRUE(parsed.answer.translate);
}

TEST(api_openai_request, WordsAreOnlyAskedOfTheEngineForVerboseJson) {
  OpenAiRequest parsed = parse_openai_request(
      form({{"response_format", "srt"}, {"timestamp_granularities", "word"}}), false, only_base_en);
  EXPECT_FALSE(parsed.job.word_timestamps);
  EXPECT_FALSE(parsed.answer.word_timestamps);
}

TEST(api_openai_request, EveryProblemIsReportedAtOnce) {
  try {
    parse_openai_request(form({{"language", "klingon"}, {"response_format", "xml"},
                               {"timestamp_granularities[]", "sentence"}, {"stream", "maybe"}}),
                         false, only_base_en);
    FAIL() << "no error";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::invalid_argument);
    EXPECT_STREQ(error.what(),
                 "language: 'klingon' is not a language code (en, de, ... or auto); "
                 "response_format: 'xml' is not one of json, text, srt, verbose_json, vtt; "
                 "timestamp_granularities[]: 'sentence' is not word or segment; "
                 "stream: 'maybe' is not true or false");
  }
}

}  // namespace
}  // namespace soundscripter
