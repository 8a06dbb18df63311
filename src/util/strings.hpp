// Small ASCII string helpers for protocol and configuration text, where
// case and whitespace rules are ASCII-only by definition (HTTP header names,
// config keys), so no locale is involved.
#pragma once

#include <string>
#include <string_view>

namespace soundscripter {

// Without leading and trailing spaces, tabs, CR and LF.
constexpr std::string_view trim_ascii(std::string_view text) {
  constexpr std::string_view blanks = " \t\r\n";
  const auto first = text.find_first_not_of(blanks);
  if (first == std::string_view::npos) return {};
  return text.substr(first, text.find_last_not_of(blanks) - first + 1);
}

// A-Z -> a-z; other bytes (UTF-8 included) unchanged.
inline std::string ascii_lower(std::string_view text) {
  std::string result(text);
  for (char& c : result) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return result;
}

}  // namespace soundscripter
