#include <gtest/gtest.h>

#include "engine/transcript_stitcher.hpp"

namespace soundscripter {
namespace {

Transcript chunk_of(std::vector<Segment> segments, std::string language = "en") {
  Transcript t;
  t.language = std::move(language);
  t.segments = std::move(segments);
  return t;
}

TEST(TranscriptStitcher, ShiftsEachChunkByItsOffset) {
  TranscriptStitcher stitcher;
  stitcher.add_chunk(chunk_of({{0.0, 2.0, "one", {}}, {2.0, 4.5, "two", {}}}), 0, 5);
  stitcher.add_chunk(chunk_of({{0.5, 3.0, "three", {}}}, "de"), 5, 5);
  Transcript whole = std::move(stitcher).finish();
  ASSERT_EQ(whole.segments.size(), 3u);
  EXPECT_DOUBLE_EQ(whole.segments[2].start, 5.5);
  EXPECT_DOUBLE_EQ(whole.segments[2].end, 8.0);
  EXPECT_EQ(whole.language, "en");
  EXPECT_DOUBLE_EQ(whole.duration, 10.0);
  EXPECT_EQ(whole.text(), "one two three");
}

TEST(TranscriptStitcher, KeepsTimesMonotonicAndInsideTheChunk) {
  TranscriptStitcher stitcher;
  // The engine claims the first chunk's speech runs to 6.2 s of a 5 s chunk,
  // and the second chunk's first segment starts before its own start.
  stitcher.add_chunk(chunk_of({{1.0, 6.2, "over", {}}}), 0, 5);
  Segment early{-0.4, 1.0, "early", {{-0.4, 0.2, "early", 0.9f}}};
  stitcher.add_chunk(chunk_of({early, {0.8, 0.5, "backwards", {}}}), 5, 5);
  Transcript whole = std::move(stitcher).finish();
  ASSERT_EQ(whole.segments.size(), 3u);
  EXPECT_DOUBLE_EQ(whole.segments[0].end, 5.0);
  EXPECT_DOUBLE_EQ(whole.segments[1].start, 5.0);
  EXPECT_DOUBLE_EQ(whole.segments[1].words[0].start, 5.0);
  double previous_end = 0;
  for (const auto& segment : whole.segments) {
    EXPECT_GE(segment.start, previous_end);
    EXPECT_GE(segment.end, segment.start);
    previous_end = segment.end;
  }
}

}  // namespace
}  // namespace soundscripter
