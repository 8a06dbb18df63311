// Folding and wrapping of segment text. Breaks happen only at ASCII spaces,
// which never occur inside a UTF-8 multibyte sequence, so the output stays
// valid UTF-8 whenever the input is.
#include "transcript/text_layout.hpp"

namespace soundscripter {

std::string fold_to_one_line(std::string_view text) {
  std::string line;
  line.reserve(text.size());
  bool pending_space = false;
  for (char c : text) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f') {
      pending_space = !line.empty();
      continue;
    }
    if (pending_space) line += ' ';
    pending_space = false;
    line += c;
  }
  return line;
}

std::size_t count_code_points(std::string_view text) {
  std::size_t count = 0;
  for (unsigned char c : text) {
    if ((c & 0xC0) != 0x80) ++count;
  }
  return count;
}

std::vector<std::string> wrap_words(std::string_view text, int max_width) {
  const std::string folded = fold_to_one_line(text);
  if (max_width <= 0 || folded.empty()) return {folded};

  const auto width = static_cast<std::size_t>(max_width);
  std::vector<std::string> lines;
  std::string line;
  std::size_t line_width = 0;
  std::size_t start = 0;
  while (start < folded.size()) {
    std::size_t end = folded.find(' ', start);
    if (end == std::string::npos) end = folded.size();
    const std::string_view word(folded.data() + start, end - start);
    const std::size_t word_width = count_code_points(word);
    if (!line.empty() && line_width + 1 + word_width > width) {
      lines.push_back(std::move(line));
      line.clear();
      line_width = 0;
    }
    if (!line.empty()) {
      line += ' ';
      ++line_width;
    }
    line += word;
    line_width += word_width;
    start = end + 1;
  }
  if (!line.empty()) lines.push_back(std::move(line));
  return lines;
}

}  // namespace soundscripter
