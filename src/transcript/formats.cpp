// Format names and the dispatch from a format to its writer. The names are
// also the file extensions and the values of --format and ?format=.
#include "transcript/formats.hpp"

#include <algorithm>
#include <array>

#include "transcript/writers.hpp"
#include "util/error.hpp"

namespace soundscripter {
namespace {

constexpr std::array all_formats = {TranscriptFormat::txt, TranscriptFormat::srt,
                                    TranscriptFormat::vtt, TranscriptFormat::json,
                                    TranscriptFormat::tsv};

std::string valid_format_list() {
  std::string list;
  for (auto format : all_formats) {
    if (!list.empty()) list += ", ";
    list += format_name(format);
  }
  return list;
}

std::string_view trim(std::string_view text) {
  const auto first = text.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  const auto last = text.find_last_not_of(" \t");
  return text.substr(first, last - first + 1);
}

}  // namespace

std::string_view format_name(TranscriptFormat format) {
  switch (format) {
    case TranscriptFormat::txt: return "txt";
    case TranscriptFormat::srt: return "srt";
    case TranscriptFormat::vtt: return "vtt";
    case TranscriptFormat::json: return "json";
    case TranscriptFormat::tsv: return "tsv";
  }
  return "txt";
}

TranscriptFormat parse_format(std::string_view name) {
  // "SRT" is what many people type after seeing the extension in upper case.
  std::string lowered(trim(name));
  std::transform(lowered.begin(), lowered.end(), lowered.begin(),
                 [](unsigned char c) { return static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c); });
  for (auto format : all_formats) {
    if (format_name(format) == lowered) return format;
  }
  throw Error(ErrorCode::invalid_argument, "unknown format \"" + std::string(name) +
                                               "\" (expected one of: " + valid_format_list() + ")");
}

std::vector<TranscriptFormat> parse_format_list(std::string_view comma_list) {
  std::vector<TranscriptFormat> formats;
  std::size_t start = 0;
  while (start <= comma_list.size()) {
    std::size_t end = comma_list.find(',', start);
    if (end == std::string_view::npos) end = comma_list.size();
    const std::string_view item = trim(comma_list.substr(start, end - start));
    // "txt,srt," is a slip of the keyboard, not a request for a nameless format.
    if (!item.empty()) {
      const TranscriptFormat format = parse_format(item);
      if (std::find(formats.begin(), formats.end(), format) == formats.end()) {
        formats.push_back(format);
      }
    }
    start = end + 1;
  }
  if (formats.empty()) {
    throw Error(ErrorCode::invalid_argument,
                "no format given (expected one or more of: " + valid_format_list() + ")");
  }
  return formats;
}

std::string render_transcript(const Transcript& transcript, TranscriptFormat format,
                              const FormatOptions& options) {
  switch (format) {
    case TranscriptFormat::txt: return write_txt(transcript);
    case TranscriptFormat::srt: return write_srt(transcript, options);
    case TranscriptFormat::vtt: return write_vtt(transcript, options);
    case TranscriptFormat::json: return write_json(transcript);
    case TranscriptFormat::tsv: return write_tsv(transcript);
  }
  throw Error(ErrorCode::internal, "render_transcript: unknown format");
}

}  // namespace soundscripter
