#include "engine/text_util.hpp"

namespace soundscripter {

std::string trim_text(std::string_view text) {
  constexpr std::string_view kBlank = " \t\r\n";
  auto first = text.find_first_not_of(kBlank);
  if (first == std::string_view::npos) return {};
  auto last = text.find_last_not_of(kBlank);
  return std::string(text.substr(first, last - first + 1));
}

std::vector<Word> join_word_pieces(const std::vector<WordPiece>& pieces) {
  std::vector<Word> words;
  int pieces_in_word = 0;
  float probability_sum = 0;
  auto close_word = [&] {
    if (pieces_in_word == 0) return;
    words.back().probability = probability_sum / static_cast<float>(pieces_in_word);
    words.back().text = trim_text(words.back().text);
    if (words.back().text.empty()) words.pop_back();
    pieces_in_word = 0;
    probability_sum = 0;
  };
  for (const auto& piece : pieces) {
    bool starts_word = words.empty() || pieces_in_word == 0 ||
                       (!piece.text.empty() && piece.text.front() == ' ');
    if (starts_word) {
      close_word();
      words.push_back({piece.start, piece.end, piece.text, std::nullopt});
    } else {
      words.back().text += piece.text;
      words.back().end = piece.end;
    }
    ++pieces_in_word;
    probability_sum += piece.probability;
  }
  close_word();
  return words;
}

}  // namespace soundscripter
