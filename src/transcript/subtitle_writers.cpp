// SubRip (.srt) and WebVTT (.vtt). Both are a list of cues, each a time range
// and one or more lines of text, so they share the cue building (folding,
// optional wrapping, dropping empty segments) and differ only in the header,
// the cue number, the clock separator and WebVTT's escaping.
#include <string_view>
#include <vector>

#include "transcript/text_layout.hpp"
#include "transcript/timestamp.hpp"
#include "transcript/writers.hpp"

namespace soundscripter {
namespace {

struct Cue {
  double start = 0;
  double end = 0;
  std::vector<std::string> lines;
};

std::vector<Cue> build_cues(const Transcript& transcript, const FormatOptions& options) {
  std::vector<Cue> cues;
  for (const auto& segment : transcript.segments) {
    std::vector<std::string> lines = wrap_words(segment.text, options.max_line_width);
    if (lines.empty() || lines.front().empty()) continue;
    cues.push_back({segment.start, segment.end, std::move(lines)});
  }
  return cues;
}

// WebVTT cue text is markup: a literal '<' would open a tag and '&' an
// entity, and "-->" may not appear at all; escaping '>' covers that too.
std::string escape_vtt(std::string_view text) {
  std::string escaped;
  escaped.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': escaped += "&amp;"; break;
      case '<': escaped += "&lt;"; break;
      case '>': escaped += "&gt;"; break;
      default: escaped += c;
    }
  }
  return escaped;
}

}  // namespace

std::string write_srt(const Transcript& transcript, const FormatOptions& options) {
  std::string out;
  int number = 0;
  for (const Cue& cue : build_cues(transcript, options)) {
    out += std::to_string(++number);
    out += '\n';
    out += srt_timestamp(cue.start) + " --> " + srt_timestamp(cue.end) + '\n';
    for (const auto& line : cue.lines) out += line + '\n';
    out += '\n';
  }
  return out;
}

std::string write_vtt(const Transcript& transcript, const FormatOptions& options) {
  std::string out = "WEBVTT\n\n";
  for (const Cue& cue : build_cues(transcript, options)) {
    out += vtt_timestamp(cue.start) + " --> " + vtt_timestamp(cue.end) + '\n';
    for (const auto& line : cue.lines) out += escape_vtt(line) + '\n';
    out += '\n';
  }
  return out;
}

}  // namespace soundscripter
