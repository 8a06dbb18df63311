// The value every engine returns and every output format reads.
//
// Times are seconds from the start of the media, as doubles, the way the JSON
// output and OpenAI's verbose_json give them; formats that need a clock
// (srt, vtt) convert at the edge.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace soundscripter {

struct Word {
  double start = 0;
  double end = 0;
  std::string text;
  std::optional<float> probability;  // absent where the engine gives none
};

struct Segment {
  double start = 0;
  double end = 0;
  std::string text;          // UTF-8, without leading/trailing blanks
  std::vector<Word> words;   // empty unless word timestamps were asked for
};

struct Transcript {
  std::string language;      // ISO 639-1 code, detected or given
  double duration = 0;       // seconds of audio transcribed
  std::vector<Segment> segments;
  std::vector<std::string> warnings;  // e.g. "file is truncated after 12.3 s"

  // All segment texts joined by single spaces.
  std::string text() const;
};

}  // namespace soundscripter
