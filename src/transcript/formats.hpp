// The output formats: txt, srt, vtt, json, tsv. Each reads only a Transcript.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "transcript/transcript.hpp"

namespace soundscripter {

enum class TranscriptFormat { txt, srt, vtt, json, tsv };

// "srt" -> TranscriptFormat::srt; throws Error(invalid_argument) naming the
// value and the formats there are.
TranscriptFormat parse_format(std::string_view name);
// "txt,srt" -> {txt, srt}; duplicates dropped, order kept.
std::vector<TranscriptFormat> parse_format_list(std::string_view comma_list);
// "srt" (no dot), also the file extension.
std::string_view format_name(TranscriptFormat format);

struct FormatOptions {
  // srt/vtt: wrap cue text at this many characters (UTF-8 code points); 0 = no wrapping.
  int max_line_width = 0;
};

std::string render_transcript(const Transcript& transcript, TranscriptFormat format,
                              const FormatOptions& options = {});

}  // namespace soundscripter
