// Plain text (.txt, one segment per line) and tab-separated values (.tsv,
// the columns whisper.cpp's -otsv writes: start and end in integer
// milliseconds, then the text), for reading and for spreadsheets.
#include "transcript/text_layout.hpp"
#include "transcript/timestamp.hpp"
#include "transcript/writers.hpp"

namespace soundscripter {

std::string write_txt(const Transcript& transcript) {
  std::string out;
  for (const auto& segment : transcript.segments) {
    std::string line = fold_to_one_line(segment.text);
    if (line.empty()) continue;
    out += line;
    out += '\n';
  }
  return out;
}

std::string write_tsv(const Transcript& transcript) {
  std::string out = "start\tend\ttext\n";
  for (const auto& segment : transcript.segments) {
    // Folding turns tabs and newlines into spaces, so a row stays one row of three columns.
    std::string text = fold_to_one_line(segment.text);
    if (text.empty()) continue;
    out += std::to_string(to_milliseconds(segment.start));
    out += '\t';
    out += std::to_string(to_milliseconds(segment.end));
    out += '\t';
    out += text;
    out += '\n';
  }
  return out;
}

}  // namespace soundscripter
