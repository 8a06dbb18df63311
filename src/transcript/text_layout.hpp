// How segment text is laid out in the line-based formats (txt, tsv, srt, vtt):
// folded onto one line, or wrapped at a width in code points.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace soundscripter {

// The text with tabs, carriage returns and newlines turned into spaces, runs
// of spaces collapsed and the ends trimmed: one line that cannot break a
// line- or tab-separated format.
std::string fold_to_one_line(std::string_view text);

// The number of UTF-8 code points in text (bytes that do not continue a
// multibyte sequence), which is what a reader counts as characters.
std::size_t count_code_points(std::string_view text);

// The folded text broken into lines of at most max_width code points, only
// at spaces, so no word and no multibyte character is ever split. A word
// longer than max_width gets a line to itself. max_width <= 0: one line.
std::vector<std::string> wrap_words(std::string_view text, int max_width);

}  // namespace soundscripter
