#include "engine/transcript_stitcher.hpp"

#include <algorithm>

namespace soundscripter {

Segment TranscriptStitcher::place_segment(Segment segment, double offset, double floor,
                                          double ceiling) {
  auto place = [&](double t) { return std::clamp(t + offset, floor, ceiling); };
  segment.start = place(segment.start);
  segment.end = std::max(segment.start, place(segment.end));
  double word_floor = segment.start;
  for (auto& word : segment.words) {
    word.start = std::clamp(word.start + offset, word_floor, segment.end);
    word.end = std::clamp(word.end + offset, word.start, segment.end);
    word_floor = word.start;
  }
  return segment;
}

std::vector<Segment> TranscriptStitcher::add_chunk(const Transcript& chunk, double offset,
                                                   double length) {
  if (whole_.language.empty()) whole_.language = chunk.language;
  std::vector<Segment> placed;
  const double ceiling = offset + length;
  for (const auto& segment : chunk.segments) {
    placed.push_back(place_segment(segment, offset, std::max(last_end_, offset), ceiling));
    last_end_ = placed.back().end;
  }
  whole_.segments.insert(whole_.segments.end(), placed.begin(), placed.end());
  whole_.warnings.insert(whole_.warnings.end(), chunk.warnings.begin(), chunk.warnings.end());
  whole_.duration = std::max(whole_.duration, ceiling);
  return placed;
}

Transcript TranscriptStitcher::finish() && { return std::move(whole_); }

}  // namespace soundscripter
