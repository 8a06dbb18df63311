// parse_config_text (src/app/config_file.hpp): any text gives entries with
// proper keys, each key once, in line order, and problems that name the
// source and a line; and the entries written back as quoted values read
// back unchanged.
#include <algorithm>
#include <set>
#include <string>

#include "app/config_file.hpp"
#include "fuzz_support.hpp"

namespace {

using namespace soundscripter;

bool is_key(const std::string& key) {
  return !key.empty() && std::all_of(key.begin(), key.end(), [](char c) {
           return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
         });
}

std::string basic_string(std::string_view value) {
  std::string out = "\"";
  for (char c : value) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      default: out += c;
    }
  }
  return out + "\"";
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text = fuzz::as_text(data, size);
  const ConfigFileContents contents = parse_config_text(text, "fuzz.conf");

  const auto lines = static_cast<int>(std::count(text.begin(), text.end(), '\n')) + 1;
  std::set<std::string> keys;
  int previous_line = 0;
  for (const ConfigFileEntry& entry : contents.entries) {
    FUZZ_CHECK(is_key(entry.key));
    FUZZ_CHECK(keys.insert(entry.key).second);
    FUZZ_CHECK(entry.line > previous_line && entry.line <= lines);
    previous_line = entry.line;
  }
  for (const std::string& problem : contents.problems) {
    FUZZ_CHECK(problem.starts_with("fuzz.conf:"));
  }
  FUZZ_CHECK(contents.entries.size() + contents.problems.size() <= static_cast<std::size_t>(lines));

  std::string written;
  for (const ConfigFileEntry& entry : contents.entries) {
    written += entry.key + " = " + basic_string(entry.value) + "  # again\n";
  }
  const ConfigFileContents again = parse_config_text(written, "again.conf");
  FUZZ_CHECK(again.problems.empty());
  FUZZ_CHECK(again.entries.size() == contents.entries.size());
  for (std::size_t i = 0; i < again.entries.size(); ++i) {
    FUZZ_CHECK(again.entries[i].key == contents.entries[i].key);
    FUZZ_CHECK(again.entries[i].value == contents.entries[i].value);
  }
  return 0;
}
