// Groups timed sub-word pieces into segments as they arrive.
//
// Parakeet gives one token stream for a whole input and no segments of its
// own, so subtitles and live events need them made here: a segment ends at
// a sentence's end (a piece ending in . ? or !) or once it has run for
// max_seconds, and always just before a piece that starts a word, so that
// segment texts joined by spaces are exactly the engine's text.
#pragma once

#include <functional>
#include <vector>

#include "engine/text_util.hpp"
#include "transcript/transcript.hpp"

namespace soundscripter {

class SegmentBuilder {
 public:
  using Emit = std::function<void(const Segment&)>;

  SegmentBuilder(Emit emit, bool with_words, double max_seconds = 15.0)
      : emit_(std::move(emit)), with_words_(with_words), max_seconds_(max_seconds) {}

  // May first emit the segment this piece does not belong to.
  void add(WordPiece piece);
  // Emits what is left.
  void finish();

 private:
  bool may_end_before(const WordPiece& next) const;
  void emit_pending();

  Emit emit_;
  bool with_words_;
  double max_seconds_;
  std::vector<WordPiece> pending_;
};

}  // namespace soundscripter
