// OpenAI's response formats, error shape and stream frames, on a
// hand-built transcript: the shapes the official clients parse.
#include <cmath>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "api/openai_format.hpp"
#include "transcript/formats.hpp"

namespace soundscripter {
namespace {

Transcript sample_transcript() {
  Transcript transcript;
  transcript.language = "en";
  transcript.duration = 34.2;
  transcript.segments = {
      {0.0, 2.0, "Hello there.", {{0.0, 0.5, "Hello", 0.9f}, {0.5, 1.2000000000000002, "there.", 0.8f}}},
      {31.0, 34.2, "General Kenobi.", {}},
  };
  return transcript;
}

TEST(api_openai_format, VerboseJsonHasOpenAisShape) {
  OpenAiAnswerOptions options;
  options.format = OpenAiResponseFormat::verbose_json;
  options.temperature = 0.2f;
  const nlohmann::ordered_json body = openai_verbose_json(sample_transcript(), options);

  std::vector<std::string> keys;
  for (const auto& [key, value] : body.items()) keys.push_back(key);
  EXPECT_EQ(keys, (std::vector<std::string>{"task", "language", "duration", "text", "segments", "usage"}));
  EXPECT_EQ(body["task"], "transcribe");
  EXPECT_EQ(body["language"], "english");
  EXPECT_EQ(body["duration"], 34.2);
  EXPECT_EQ(body["text"], "Hello there. General Kenobi.");
  EXPECT_EQ(body["usage"], (nlohmann::ordered_json{{"type", "duration"}, {"seconds", 35}}));

  ASSERT_EQ(body["segments"].size(), 2u);
  const auto& first = body["segments"][0];
  std::vector<std::string> segment_keys;
  for (const auto& [key, value] : first.items()) segment_keys.push_back(key);
  EXPECT_EQ(segment_keys, (std::vector<std::string>{"id", "seek", "start", "end", "text", "tokens", "temperature",
                                                    "avg_logprob", "compression_ratio", "no_speech_prob"}));
  EXPECT_EQ(first["id"], 0);
  EXPECT_EQ(first["seek"], 0);
  EXPECT_EQ(first["start"], 0.0);
  EXPECT_EQ(first["end"], 2.0);
  EXPECT_EQ(first["text"], " Hello there.");  // Whisper's leading space
  EXPECT_EQ(first["tokens"], nlohmann::ordered_json::array());
  EXPECT_DOUBLE_EQ(first["temperature"].get<double>(), 0.2f);
  EXPECT_NEAR(first["avg_logprob"].get<double>(), (std::log(0.9) + std::log(0.8)) / 2, 1e-6);
  EXPECT_EQ(first["compression_ratio"], 0.0);
  EXPECT_EQ(first["no_speech_prob"], 0.0);

  const auto& second = body["segments"][1];
  EXPECT_EQ(second["id"], 1);
  EXPECT_EQ(second["seek"], 3000);  // the second 30-s window, in 10-ms frames
  EXPECT_EQ(second["avg_logprob"], 0.0);  // no word probabilities to average
}

TEST(api_openai_format, VerboseJsonListsWordsOnlyWhenAskedFor) {
  OpenAiAnswerOptions options;
  options.format = OpenAiResponseFormat::verbose_json;
  options.translate = true;
  EXPECT_FALSE(openai_verbose_json(sample_transcript(), options).contains("words"));

  options.word_timestamps = true;
  const nlohmann::ordered_json body = openai_verbose_json(sample_transcript(), options);
  EXPECT_EQ(body["task"], "translate");
  EXPECT_EQ(body["words"], (nlohmann::ordered_json::parse(R"([
      {"word": "Hello", "start": 0.0, "end": 0.5},
      {"word": "there.", "start": 0.5, "end": 1.2}])")));
}

TEST(api_openai_format, JsonIsTheTextAndUsage) {
  HttpResponse response = openai_transcript_response(sample_transcript(), {});
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.content_type, "application/json");
  EXPECT_EQ(response.body, R"({"text":"Hello there. General Kenobi.","usage":{"type":"duration","seconds":35}})");
}

TEST(api_openai_format, TextSrtAndVttArePlainText) {
  OpenAiAnswerOptions options;
  options.format = OpenAiResponseFormat::text;
  HttpResponse text = openai_transcript_response(sample_transcript(), options);
  EXPECT_EQ(text.content_type, "text/plain; charset=utf-8");
  EXPECT_EQ(text.body, "Hello there. General Kenobi.\n");

  options.format = OpenAiResponseFormat::srt;
  HttpResponse srt = openai_transcript_response(sample_transcript(), options);
  EXPECT_EQ(srt.content_type, "text/plain; charset=utf-8");
  EXPECT_EQ(srt.body, render_transcript(sample_transcript(), TranscriptFormat::srt));
  EXPECT_TRUE(srt.body.starts_with("1\n00:00:00,000 --> 00:00:02,000\nHello there.\n")) << srt.body;

  options.format = OpenAiResponseFormat::vtt;
  HttpResponse vtt = openai_transcript_response(sample_transcript(), options);
  EXPECT_EQ(vtt.body, render_transcript(sample_transcript(), TranscriptFormat::vtt));
  EXPECT_TRUE(vtt.body.starts_with("WEBVTT")) << vtt.body;
}

TEST(api_openai_format, UnknownResponseFormatNamesTheOnesThereAre) {
  EXPECT_EQ(parse_openai_response_format("verbose_json"), OpenAiResponseFormat::verbose_json);
  try {
    parse_openai_response_format("diarized_json");
    FAIL() << "no error";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::invalid_argument);
    EXPECT_STREQ(error.what(),
                 "response_format: 'diarized_json' is not one of json, text, srt, verbose_json, vtt");
  }
}

TEST(api_openai_format, ErrorsHaveOpenAisShape) {
  HttpResponse response = openai_error_response(Error(ErrorCode::unsupported_media, "x.txt: not media"));
  EXPECT_EQ(response.status, 400);  // OpenAI has no 415
  EXPECT_EQ(nlohmann::json::parse(response.body), nlohmann::json::parse(R"({"error": {
      "message": "x.txt: not media", "type": "invalid_request_error", "param": null,
      "code": "unsupported_media"}})"));
  EXPECT_TRUE(response.headers.empty());
}

TEST(api_openai_format, ServerErrorsTellClientsNotToRetry) {
  HttpResponse failed = openai_error_response(500, "engine_failed", "the model crashed");
  EXPECT_EQ(nlohmann::json::parse(failed.body)["error"]["type"], "server_error");
  EXPECT_EQ(failed.headers, (decltype(failed.headers){{"x-should-retry", "false"}}));
  // A server that is shutting down is worth retrying elsewhere or later.
  EXPECT_TRUE(openai_error_response(503, "backend_unavailable", "shutting down").headers.empty());
}

TEST(api_openai_format, StatusesForStoredErrorCodes) {
  EXPECT_EQ(openai_status_for_code("invalid_argument"), 400);
  EXPECT_EQ(openai_status_for_code("corrupt_media"), 400);
  EXPECT_EQ(openai_status_for_code("no_audio_stream"), 400);
  EXPECT_EQ(openai_status_for_code("engine_failed"), 500);
  EXPECT_EQ(openai_status_for_code("backend_unavailable"), 503);
  EXPECT_EQ(openai_status_for_code("cancelled"), 409);
  EXPECT_EQ(openai_status_for_code("something_new"), 500);
}

TEST(api_openai_format, StreamFramesAreDataLinesOnly) {
  EXPECT_EQ(openai_delta_frame(" there"), "data: {\"type\":\"transcript.text.delta\",\"delta\":\" there\"}\n\n");
  EXPECT_EQ(openai_done_frame("Hello there"), "data: {\"type\":\"transcript.text.done\",\"text\":\"Hello there\"}\n\n");
  const std::string error = openai_error_frame(500, "engine_failed", "boom");
  ASSERT_TRUE(error.starts_with("data: ") && error.ends_with("\n\n"));
  EXPECT_EQ(nlohmann::json::parse(error.substr(6)), nlohmann::json::parse(R"({"type": "error", "error": {
      "message": "boom", "type": "server_error", "param": null, "code": "engine_failed"}})"));
}

}  // namespace
}  // namespace soundscripter
