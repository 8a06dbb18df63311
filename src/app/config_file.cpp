// A line-oriented reader rather than a TOML library: Debian 12 has none
// for C++ that CLI11 or we could use, and the settings are flat scalars.
// Its errors carry the line number, which is what a person editing the
// file needs.
#include "app/config_file.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <map>
#include <sstream>

#include "util/strings.hpp"

namespace soundscripter {
namespace {

bool is_key_character(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
}

// Decodes a quoted value starting at text[0] (the quote). On success
// returns true with the value and what follows the closing quote.
bool read_quoted(std::string_view text, std::string& value, std::string_view& rest, std::string& why) {
  const char quote = text[0];
  for (std::size_t i = 1; i < text.size(); ++i) {
    const char c = text[i];
    if (c == quote) {
      rest = text.substr(i + 1);
      return true;
    }
    if (c != '\\' || quote == '\'') {  // 'literal strings' have no escapes
      value += c;
      continue;
    }
    if (++i == text.size()) break;
    switch (text[i]) {
      case '"': value += '"'; break;
      case '\\': value += '\\'; break;
      case 'n': value += '\n'; break;
      case 't': value += '\t'; break;
      case 'r': value += '\r'; break;
      default:
        why = std::string("unsupported escape '\\") + text[i] + "' in a quoted value";
        return false;
    }
  }
  why = std::string("the quoted value has no closing ") + quote;
  return false;
}

}  // namespace

ConfigFileContents parse_config_text(std::string_view text, const std::string& source_name) {
  ConfigFileContents contents;
  std::map<std::string, int> seen;  // key -> line
  std::istringstream lines{std::string(text)};
  std::string raw;
  for (int number = 1; std::getline(lines, raw); ++number) {
    const auto problem = [&](const std::string& why) {
      contents.problems.push_back(source_name + ":" + std::to_string(number) + ": " + why);
    };
    const std::string_view line = trim_ascii(raw);
    if (line.empty() || line.front() == '#') continue;
    if (line.front() == '[') {
      problem("sections are not supported: write key = value lines only");
      continue;
    }
    const auto equals = line.find('=');
    if (equals == std::string_view::npos) {
      problem("expected key = value");
      continue;
    }
    std::string key(trim_ascii(line.substr(0, equals)));
    if (key.empty() || !std::all_of(key.begin(), key.end(), is_key_character)) {
      problem("'" + key + "' is not a key name");
      continue;
    }
    for (char& c : key) c = c == '-' ? '_' : c;
    std::string_view value_text = trim_ascii(line.substr(equals + 1));
    std::string value;
    if (!value_text.empty() && (value_text.front() == '"' || value_text.front() == '\'')) {
      std::string_view rest;
      std::string why;
      if (!read_quoted(value_text, value, rest, why)) {
        problem(key + ": " + why);
        continue;
      }
      rest = trim_ascii(rest);
      if (!rest.empty() && rest.front() != '#') {
        problem(key + ": unexpected text after the quoted value");
        continue;
      }
    } else if (!value_text.empty() && value_text.front() == '[') {
      problem(key + ": arrays are not supported: write a comma list in one string");
      continue;
    } else {
      value = std::string(trim_ascii(value_text.substr(0, value_text.find('#'))));
    }
    if (auto [it, inserted] = seen.emplace(key, number); !inserted) {
      problem(key + " is already set on line " + std::to_string(it->second));
      continue;
    }
    contents.entries.push_back({std::move(key), std::move(value), number});
  }
  return contents;
}

ConfigFileContents read_config_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    ConfigFileContents contents;
    contents.problems.push_back(path.string() + ": cannot read the configuration file: " + std::strerror(errno));
    return contents;
  }
  std::ostringstream text;
  text << in.rdbuf();
  return parse_config_text(text.str(), path.string());
}

}  // namespace soundscripter
