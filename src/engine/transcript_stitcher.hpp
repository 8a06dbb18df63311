// Joins the transcripts of consecutive chunks into one.
//
// Each chunk's times are relative to the chunk; the stitcher shifts them by
// the chunk's offset and keeps the result monotonic (a segment never starts
// before the previous one ended and never runs past its chunk), because
// engines occasionally report times a little outside the audio they were given.
#pragma once

#include "transcript/transcript.hpp"

namespace soundscripter {

class TranscriptStitcher {
 public:
  // Chunks must be added in order. offset and length are in seconds.
  // Returns the chunk's segments as placed in the whole transcript.
  std::vector<Segment> add_chunk(const Transcript& chunk, double offset, double length);

  // The whole transcript; language is the first chunk's.
  Transcript finish() &&;

  // Shifts one segment by offset and fits it into [floor, ceiling].
  static Segment place_segment(Segment segment, double offset, double floor, double ceiling);

 private:
  Transcript whole_;
  double last_end_ = 0;
};

}  // namespace soundscripter
