#include "engine/segment_builder.hpp"

namespace soundscripter {
namespace {

bool ends_sentence(const std::string& text) {
  const auto last = text.find_last_not_of(' ');
  if (last == std::string::npos) return false;
  const char c = text[last];
  return c == '.' || c == '?' || c == '!';
}

}  // namespace

bool SegmentBuilder::may_end_before(const WordPiece& next) const {
  if (pending_.empty() || next.text.empty() || next.text.front() != ' ') return false;
  return ends_sentence(pending_.back().text) || next.start - pending_.front().start >= max_seconds_;
}

void SegmentBuilder::add(WordPiece piece) {
  if (may_end_before(piece)) emit_pending();
  pending_.push_back(std::move(piece));
}

void SegmentBuilder::finish() { emit_pending(); }

void SegmentBuilder::emit_pending() {
  if (pending_.empty()) return;
  Segment segment;
  segment.start = pending_.front().start;
  segment.end = pending_.back().end;
  std::string text;
  for (const auto& piece : pending_) text += piece.text;
  segment.text = trim_text(text);
  if (with_words_) segment.words = join_word_pieces(pending_);
  pending_.clear();
  if (!segment.text.empty()) emit_(segment);
}

}  // namespace soundscripter
