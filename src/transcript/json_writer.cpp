// JSON (.json), shaped like OpenAI's verbose_json so existing tools can read
// it: times are numbers of seconds, words appear only where the engine gave
// them, and warnings say what a reader should know about the result. Keys
// keep the order written here (ordered_json) so the file reads top-down.
#include <cmath>
#include <nlohmann/json.hpp>

#include "transcript/transcript_json.hpp"
#include "transcript/writers.hpp"

namespace soundscripter {
namespace {

// Engines work in centiseconds or samples, so a time like 1.23 arrives as
// 1.2300000000000002; rounding to the millisecond prints what was meant.
double seconds_value(double seconds) {
  if (!std::isfinite(seconds)) return 0;
  return std::round(seconds * 1000.0) / 1000.0;
}

nlohmann::ordered_json words_json(const std::vector<Word>& words) {
  nlohmann::ordered_json array = nlohmann::ordered_json::array();
  for (const auto& word : words) {
    nlohmann::ordered_json item = {
        {"word", word.text}, {"start", seconds_value(word.start)}, {"end", seconds_value(word.end)}};
    if (word.probability) item["probability"] = float_as_json_number(*word.probability);
    array.push_back(std::move(item));
  }
  return array;
}

}  // namespace

std::string write_json(const Transcript& transcript) {
  nlohmann::ordered_json segments = nlohmann::ordered_json::array();
  for (std::size_t i = 0; i < transcript.segments.size(); ++i) {
    const Segment& segment = transcript.segments[i];
    nlohmann::ordered_json item = {{"id", i},
                           {"start", seconds_value(segment.start)},
                           {"end", seconds_value(segment.end)},
                           {"text", segment.text}};
    if (!segment.words.empty()) item["words"] = words_json(segment.words);
    segments.push_back(std::move(item));
  }
  nlohmann::ordered_json document = {{"language", transcript.language},
                             {"duration", seconds_value(transcript.duration)},
                             {"text", transcript.text()},
                             {"segments", std::move(segments)},
                             {"warnings", transcript.warnings}};
  // An engine can emit a token that ends mid-character; replacing the broken
  // bytes with U+FFFD keeps one bad byte from failing the whole transcript.
  return document.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
}

}  // namespace soundscripter
