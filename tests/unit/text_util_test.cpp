#include <gtest/gtest.h>

#include "engine/text_util.hpp"

namespace soundscripter {
namespace {

TEST(TrimText, RemovesSurroundingBlanksOnly) {
  EXPECT_EQ(trim_text("  And so, my fellow Americans \n"), "And so, my fellow Americans");
  EXPECT_EQ(trim_text(" \t"), "");
}

TEST(JoinWordPieces, SubwordsAndPunctuationJoinTheWordBeforeThem) {
  std::vector<WordPiece> pieces = {
      {" coun", 0.0, 0.2, 0.8f}, {"try", 0.2, 0.4, 0.6f}, {",", 0.4, 0.45, 1.0f},
      {" ask", 0.5, 0.7, 0.5f}};
  auto words = join_word_pieces(pieces);
  ASSERT_EQ(words.size(), 2u);
  EXPECT_EQ(words[0].text, "country,");
  EXPECT_DOUBLE_EQ(words[0].start, 0.0);
  EXPECT_DOUBLE_EQ(words[0].end, 0.45);
  ASSERT_TRUE(words[0].probability);
  EXPECT_NEAR(*words[0].probability, 0.8f, 1e-6);
  EXPECT_EQ(words[1].text, "ask");
}

}  // namespace
}  // namespace soundscripter
