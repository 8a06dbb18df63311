// Lossless Transcript <-> JSON (see transcript_json.hpp for why this is not
// the .json output writer).
#include "transcript/transcript_json.hpp"

#include <charconv>
#include <cmath>
#include <cstdlib>

#include "util/error.hpp"

namespace soundscripter {
namespace {

nlohmann::json word_to_json(const Word& word) {
  nlohmann::json out = {{"word", word.text}, {"start", word.start}, {"end", word.end}};
  if (word.probability) out["probability"] = float_as_json_number(*word.probability);
  return out;
}

Word word_from_json(const nlohmann::json& json) {
  Word word;
  word.text = json.value("word", std::string());
  word.start = json.value("start", 0.0);
  word.end = json.value("end", 0.0);
  if (json.contains("probability") && !json["probability"].is_null()) {
    word.probability = json["probability"].get<float>();
  }
  return word;
}

Segment parse_segment(const nlohmann::json& json) {
  Segment segment;
  segment.start = json.value("start", 0.0);
  segment.end = json.value("end", 0.0);
  segment.text = json.value("text", std::string());
  if (json.contains("words")) {
    for (const auto& word : json.at("words")) segment.words.push_back(word_from_json(word));
  }
  return segment;
}

// nlohmann's own messages ("type must be number, but is string") say what
// was wrong; the prefix says in which document.
template <typename Parse>
auto parse_or_throw(const char* what, Parse&& parse) {
  try {
    return parse();
  } catch (const nlohmann::json::exception& e) {
    throw Error(ErrorCode::invalid_argument, std::string(what) + " JSON: " + e.what());
  }
}

}  // namespace

double float_as_json_number(float value) {
  if (!std::isfinite(value)) return 0;
  char buffer[32];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer - 1, value);
  if (ec != std::errc()) return value;
  *end = '\0';
  return std::strtod(buffer, nullptr);
}

nlohmann::json segment_to_json(const Segment& segment) {
  nlohmann::json out = {{"start", segment.start}, {"end", segment.end}, {"text", segment.text}};
  if (!segment.words.empty()) {
    nlohmann::json words = nlohmann::json::array();
    for (const auto& word : segment.words) words.push_back(word_to_json(word));
    out["words"] = std::move(words);
  }
  return out;
}

nlohmann::json transcript_to_json(const Transcript& transcript) {
  nlohmann::json segments = nlohmann::json::array();
  for (const auto& segment : transcript.segments) segments.push_back(segment_to_json(segment));
  return {{"language", transcript.language},
          {"duration", transcript.duration},
          {"segments", std::move(segments)},
          {"warnings", transcript.warnings}};
}

Segment segment_from_json(const nlohmann::json& json) {
  return parse_or_throw("segment", [&] { return parse_segment(json); });
}

Transcript transcript_from_json(const nlohmann::json& json) {
  return parse_or_throw("transcript", [&] {
    Transcript transcript;
    transcript.language = json.value("language", std::string());
    transcript.duration = json.value("duration", 0.0);
    if (json.contains("segments")) {
      for (const auto& segment : json.at("segments")) {
        transcript.segments.push_back(parse_segment(segment));
      }
    }
    transcript.warnings = json.value("warnings", std::vector<std::string>());
    return transcript;
  });
}

}  // namespace soundscripter
