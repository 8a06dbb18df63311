// OpenAI's audio API on the wire: the bodies of its response formats, its
// error shape and its stream events, so the official clients read our
// answers unchanged. Pure functions of a Transcript, tested on their own;
// openai_routes.cpp decides when to send them.
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "api/http_types.hpp"
#include "transcript/transcript.hpp"
#include "util/error.hpp"

namespace soundscripter {

enum class OpenAiResponseFormat { json, text, srt, verbose_json, vtt };

// "verbose_json" -> OpenAiResponseFormat::verbose_json; throws
// Error(invalid_argument) naming the value and the formats there are.
OpenAiResponseFormat parse_openai_response_format(std::string_view name);

// What shapes the answer besides the transcript itself.
struct OpenAiAnswerOptions {
  OpenAiResponseFormat format = OpenAiResponseFormat::json;
  bool translate = false;        // verbose_json's "task"
  bool word_timestamps = false;  // verbose_json's "words" (timestamp_granularities[]=word)
  float temperature = 0;         // echoed in each verbose_json segment
};

// verbose_json: {"task", "language" (in words, "english"), "duration",
// "text", "segments": [{"id", "seek", "start", "end", "text", "tokens",
// "temperature", "avg_logprob", "compression_ratio", "no_speech_prob"}],
// "words"?: [{"word", "start", "end"}], "usage": {"type": "duration",
// "seconds"}}. Engines do not report tokens, compression ratios or
// no-speech probabilities: those are [] and 0; avg_logprob is the mean log
// of the word probabilities where the engine gave them, else 0.
nlohmann::ordered_json openai_verbose_json(const Transcript& transcript,
                                           const OpenAiAnswerOptions& options);

// The whole answer for a finished transcript: JSON for json and
// verbose_json, text/plain for text (the text and a newline), srt and vtt.
HttpResponse openai_transcript_response(const Transcript& transcript,
                                        const OpenAiAnswerOptions& options);

// {"error": {"message", "type", "param": null, "code"}}; type is
// "invalid_request_error" below 500 and "server_error" from 500 on.
nlohmann::json openai_error_body(int status, std::string_view code, const std::string& message);

// An error in OpenAI's shape. Statuses the official clients would retry
// (409, 500) but where a retry cannot help carry "x-should-retry: false",
// since each retry would upload the file and queue it again.
HttpResponse openai_error_response(int status, std::string_view code, const std::string& message);
HttpResponse openai_error_response(const Error& error);

// The status for an error code as stored on a failed job ("engine_failed"
// -> 500). Input the engine could not use is 400, as OpenAI answers it
// (it has no 415); unknown codes are 500.
int openai_status_for_code(std::string_view code);

// Server-Sent Events frames as the official clients parse them: data lines
// only (no "event:" field, which both SDKs accept for these types) and no
// "[DONE]" sentinel; the stream ends after the done event.
// {"type": "transcript.text.delta", "delta": ...}
std::string openai_delta_frame(std::string_view delta);
// {"type": "transcript.text.done", "text": ...}
std::string openai_done_frame(std::string_view text);
// {"type": "error", "error": {...}}: both SDKs raise an APIError on it.
std::string openai_error_frame(int status, std::string_view code, const std::string& message);

}  // namespace soundscripter
