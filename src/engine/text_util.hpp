// Text helpers shared by the engines: trimming and turning sub-word tokens
// into words.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "transcript/transcript.hpp"

namespace soundscripter {

// Without leading and trailing ASCII whitespace.
std::string trim_text(std::string_view text);

// One token of engine output with its times (seconds) and probability.
struct WordPiece {
  std::string text;
  double start = 0;
  double end = 0;
  float probability = 0;
};

// Joins pieces into words: a piece that starts with a space starts a new word,
// any other piece (a sub-word or punctuation) continues the current one.
// A word's probability is the mean of its pieces'.
std::vector<Word> join_word_pieces(const std::vector<WordPiece>& pieces);

}  // namespace soundscripter
