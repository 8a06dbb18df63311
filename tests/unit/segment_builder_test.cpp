// Segments made from a token stream (the Parakeet engine's): where they end,
// their times and words, and that their texts rejoin into the engine's text.
#include <gtest/gtest.h>

#include "engine/segment_builder.hpp"

namespace soundscripter {
namespace {

std::vector<Segment> build(const std::vector<WordPiece>& pieces, bool with_words = false,
                           double max_seconds = 15.0) {
  std::vector<Segment> segments;
  SegmentBuilder builder([&](const Segment& s) { segments.push_back(s); }, with_words, max_seconds);
  for (const auto& piece : pieces) builder.add(piece);
  builder.finish();
  return segments;
}

TEST(SegmentBuilder, EndsASegmentAtASentenceEndBeforeTheNextWord) {
  auto segments = build({{"Hel", 0.3, 0.5, 0.9f}, {"lo", 0.5, 0.7, 0.8f}, {".", 0.7, 0.7, 0.9f},
                         {" How", 1.2, 1.4, 0.7f}, {" are", 1.4, 1.6, 0.6f}, {"?", 1.6, 1.6, 0.5f}},
                        /*with_words=*/true);
  ASSERT_EQ(segments.size(), 2u);
  EXPECT_EQ(segments[0].text, "Hello.");
  EXPECT_DOUBLE_EQ(segments[0].start, 0.3);
  EXPECT_DOUBLE_EQ(segments[0].end, 0.7);
  EXPECT_EQ(segments[1].text, "How are?");
  EXPECT_DOUBLE_EQ(segments[1].start, 1.2);
  ASSERT_EQ(segments[0].words.size(), 1u);
  EXPECT_EQ(segments[0].words[0].text, "Hello.");
  ASSERT_EQ(segments[1].words.size(), 2u);
  EXPECT_DOUBLE_EQ(segments[1].words[1].end, 1.6);
}

TEST(SegmentBuilder, NeverSplitsInsideAWord) {
  // A sentence end followed by a continuation piece: no word starts there,
  // so the segment goes on to the next sentence end.
  auto segments = build({{"ab", 0, 1, 1}, {".", 1, 1, 1}, {"cd", 1, 2, 1}, {" ef", 2, 3, 1},
                         {".", 3, 3, 1}, {" gh", 4, 5, 1}});
  ASSERT_EQ(segments.size(), 2u);
  EXPECT_EQ(segments[0].text, "ab.cd ef.");
  EXPECT_EQ(segments[1].text, "gh");
}

TEST(SegmentBuilder, EndsALongSentenceAtTheMaximumLength) {
  std::vector<WordPiece> pieces;
  for (int i = 0; i < 40; ++i) pieces.push_back({" w", i * 1.0, i * 1.0 + 0.5, 1});
  auto segments = build(pieces, false, 10.0);
  ASSERT_EQ(segments.size(), 4u);
  std::string rejoined;
  for (const auto& s : segments) {
    EXPECT_LE(s.end - s.start, 10.0);
    rejoined += (rejoined.empty() ? "" : " ") + s.text;
  }
  std::string expected;
  for (const auto& p : pieces) expected += p.text;
  EXPECT_EQ(rejoined, expected.substr(1));
}

TEST(SegmentBuilder, NothingInNothingOut) {
  EXPECT_TRUE(build({}).empty());
  EXPECT_TRUE(build({{" ", 0, 0, 1}}).empty());  // blank pieces make no segment
}

}  // namespace
}  // namespace soundscripter
