// Shapes follow the official SDKs' types (openai-python types/audio,
// openai-node resources/audio/transcriptions.ts) and Whisper's own
// verbose_json, which OpenAI's whisper-1 returns.
#include "api/openai_format.hpp"

#include <array>
#include <cmath>
#include <utility>

#include "api/error_status.hpp"
#include "engine/engine.hpp"
#include "transcript/formats.hpp"

namespace soundscripter {
namespace {

constexpr std::array<std::pair<std::string_view, OpenAiResponseFormat>, 5> kFormats = {{
    {"json", OpenAiResponseFormat::json},
    {"text", OpenAiResponseFormat::text},
    {"srt", OpenAiResponseFormat::srt},
    {"verbose_json", OpenAiResponseFormat::verbose_json},
    {"vtt", OpenAiResponseFormat::vtt},
}};

// Every code a job can fail with, to map its stored name back to a status.
constexpr std::array<ErrorCode, 15> kAllErrorCodes = {
    ErrorCode::invalid_argument, ErrorCode::not_found,     ErrorCode::empty_input,
    ErrorCode::unsupported_media, ErrorCode::no_audio_stream, ErrorCode::corrupt_media,
    ErrorCode::model_invalid,    ErrorCode::engine_failed, ErrorCode::too_large,
    ErrorCode::unauthorized,     ErrorCode::conflict,      ErrorCode::backend_unavailable,
    ErrorCode::timeout,          ErrorCode::cancelled,     ErrorCode::internal};

// Engines work in centiseconds or samples, so 1.23 arrives as
// 1.2300000000000002; the millisecond is what was meant (as in the .json output).
double seconds_value(double seconds) {
  if (!std::isfinite(seconds)) return 0;
  return std::round(seconds * 1000.0) / 1000.0;
}

// Whisper's seek: where the 30-second window the segment began in starts,
// in 10-ms frames.
long long whisper_seek(double start) {
  if (!std::isfinite(start) || start < 0) return 0;
  return static_cast<long long>(std::floor(start / 30.0)) * 3000;
}

double average_log_probability(const Segment& segment) {
  double sum = 0;
  int counted = 0;
  for (const auto& word : segment.words) {
    if (!word.probability || *word.probability <= 0) continue;
    sum += std::log(static_cast<double>(*word.probability));
    ++counted;
  }
  return counted == 0 ? 0.0 : sum / counted;
}

std::string dump(const nlohmann::ordered_json& json) {
  // An engine can emit a token that ends mid-character; U+FFFD keeps one
  // bad byte from failing the whole answer.
  return json.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

std::string sse_data(const nlohmann::ordered_json& json) { return "data: " + dump(json) + "\n\n"; }

nlohmann::ordered_json usage_json(const Transcript& transcript) {
  // OpenAI bills whisper-1 by whole seconds and reports them so.
  const double seconds = std::isfinite(transcript.duration) ? std::ceil(transcript.duration) : 0;
  return {{"type", "duration"}, {"seconds", static_cast<long long>(seconds)}};
}

}  // namespace

OpenAiResponseFormat parse_openai_response_format(std::string_view name) {
  std::string known;
  for (const auto& [format_name, format] : kFormats) {
    if (format_name == name) return format;
    known += (known.empty() ? "" : ", ") + std::string(format_name);
  }
  throw Error(ErrorCode::invalid_argument,
              "response_format: '" + std::string(name) + "' is not one of " + known);
}

nlohmann::ordered_json openai_verbose_json(const Transcript& transcript,
                                           const OpenAiAnswerOptions& options) {
  nlohmann::ordered_json segments = nlohmann::ordered_json::array();
  nlohmann::ordered_json words = nlohmann::ordered_json::array();
  for (std::size_t i = 0; i < transcript.segments.size(); ++i) {
    const Segment& segment = transcript.segments[i];
    // Whisper's segment texts begin with the space that separates them from
    // the previous one; clients that join segments rely on it.
    segments.push_back({{"id", i},
                        {"seek", whisper_seek(segment.start)},
                        {"start", seconds_value(segment.start)},
                        {"end", seconds_value(segment.end)},
                        {"text", " " + segment.text},
                        {"tokens", nlohmann::ordered_json::array()},
                        {"temperature", static_cast<double>(options.temperature)},
                        {"avg_logprob", average_log_probability(segment)},
                        {"compression_ratio", 0.0},
                        {"no_speech_prob", 0.0}});
    for (const auto& word : segment.words) {
      words.push_back({{"word", word.text},
                       {"start", seconds_value(word.start)},
                       {"end", seconds_value(word.end)}});
    }
  }
  nlohmann::ordered_json body = {{"task", options.translate ? "translate" : "transcribe"},
                                 {"language", language_name(transcript.language)},
                                 {"duration", seconds_value(transcript.duration)},
                                 {"text", transcript.text()},
                                 {"segments", std::move(segments)}};
  if (options.word_timestamps) body["words"] = std::move(words);
  body["usage"] = usage_json(transcript);
  return body;
}

HttpResponse openai_transcript_response(const Transcript& transcript,
                                        const OpenAiAnswerOptions& options) {
  HttpResponse response;
  // The SDKs return any non-JSON body as a string, so plain text suits all three.
  response.content_type = "text/plain; charset=utf-8";
  switch (options.format) {
    case OpenAiResponseFormat::json:
      response.content_type = "application/json";
      response.body = dump({{"text", transcript.text()}, {"usage", usage_json(transcript)}});
      break;
    case OpenAiResponseFormat::verbose_json:
      response.content_type = "application/json";
      response.body = dump(openai_verbose_json(transcript, options));
      break;
    case OpenAiResponseFormat::text:
      response.body = transcript.text() + "\n";
      break;
    case OpenAiResponseFormat::srt:
      response.body = render_transcript(transcript, TranscriptFormat::srt);
      break;
    case OpenAiResponseFormat::vtt:
      response.body = render_transcript(transcript, TranscriptFormat::vtt);
      break;
  }
  return response;
}

int openai_status_for_code(std::string_view code) {
  for (ErrorCode known : kAllErrorCodes) {
    if (to_string(known) != code) continue;
    const int status = http_status_for(known);
    return status == 415 ? 400 : status;
  }
  return 500;
}

nlohmann::json openai_error_body(int status, std::string_view code, const std::string& message) {
  return {{"error",
           {{"message", message},
            {"type", status >= 500 ? "server_error" : "invalid_request_error"},
            {"param", nullptr},
            {"code", code}}}};
}

HttpResponse openai_error_response(int status, std::string_view code, const std::string& message) {
  HttpResponse response = json_response(status, openai_error_body(status, code, message));
  if (status == 409 || status == 500) response.headers.emplace_back("x-should-retry", "false");
  return response;
}

HttpResponse openai_error_response(const Error& error) {
  const std::string_view code = to_string(error.code());
  return openai_error_response(openai_status_for_code(code), code, error.what());
}

std::string openai_delta_frame(std::string_view delta) {
  return sse_data({{"type", "transcript.text.delta"}, {"delta", delta}});
}

std::string openai_done_frame(std::string_view text) {
  return sse_data({{"type", "transcript.text.done"}, {"text", text}});
}

std::string openai_error_frame(int status, std::string_view code, const std::string& message) {
  nlohmann::ordered_json frame = {{"type", "error"}};
  frame["error"] = openai_error_body(status, code, message)["error"];
  return sse_data(frame);
}

}  // namespace soundscripter
