// What to tell a person about a decode that ended with less audio than the
// file promised: truncated downloads, WAV headers that claim more data than
// the file holds, damaged packets skipped in the middle.
//
// Kept apart from the FFmpeg calls so the wording and the thresholds can be
// tested with plain numbers.
#pragma once

#include <string>
#include <vector>

namespace soundscripter {

struct DecodeOutcome {
  double decoded_seconds = 0;
  double stated_seconds = 0;        // what the container states; 0 when unknown
  bool stated_is_estimate = false;  // guessed from bitrate and file size
  std::string stopped_because;      // empty when decoding reached the end of the file
  int damaged_packets_skipped = 0;
};

// Whether the decoded audio falls short of the stated length by more than
// encoder padding and rounding explain (0.5 s or 2%, or 2 s or 10% when the
// stated length is only an estimate).
bool is_short_of_stated(const DecodeOutcome& outcome);

// One sentence per problem, each starting with `file`; empty when the decode
// was clean.
std::vector<std::string> decode_warnings(const std::string& file, const DecodeOutcome& outcome);

// The message for Error(corrupt_media) when not one sample could be decoded.
std::string no_audio_decoded_message(const std::string& file, const std::string& codec,
                                     const DecodeOutcome& outcome);

}  // namespace soundscripter
