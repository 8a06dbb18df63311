// url_decode and parse_query (src/api/url.hpp) on any bytes, and on text
// this target percent-encodes itself, which must decode back exactly.
#include <map>
#include <string>
#include <vector>

#include "api/url.hpp"
#include "fuzz_support.hpp"

namespace {

using namespace soundscripter;

std::string percent_encode_all(std::string_view text) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    out += '%';
    out += hex[c >> 4];
    out += hex[c & 0xF];
  }
  return out;
}

// Splits at NUL bytes: the fuzzer's way of giving several strings.
std::vector<std::string_view> pieces(std::string_view text) {
  std::vector<std::string_view> out;
  while (true) {
    const auto nul = text.find('\0');
    out.push_back(text.substr(0, nul));
    if (nul == std::string_view::npos) return out;
    text.remove_prefix(nul + 1);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text = fuzz::as_text(data, size);

  // Every escape shortens the text; nothing else changes its length.
  const std::string plus_as_space = url_decode(text);
  const std::string plus_kept = url_decode(text, /*plus_is_space=*/false);
  FUZZ_CHECK(plus_as_space.size() <= text.size());
  FUZZ_CHECK(plus_kept.size() == plus_as_space.size());
  if (text.find('%') == std::string_view::npos) {
    FUZZ_CHECK(plus_kept == text);
  }
  FUZZ_CHECK(url_decode(percent_encode_all(text), false) == text);
  FUZZ_CHECK(url_decode(percent_encode_all(text), true) == text);

  // Any query string: no key appears that is not in the text decoded.
  for (const auto& [key, value] : parse_query(text)) {
    FUZZ_CHECK(key.size() <= text.size() && value.size() <= text.size());
  }

  // A query built from encoded pairs reads back as those pairs, the last
  // of a repeated key winning.
  const auto parts = pieces(text);
  std::string query;
  std::map<std::string, std::string> expected;
  for (std::size_t i = 0; i + 1 < parts.size(); i += 2) {
    if (!query.empty()) query += '&';
    query += percent_encode_all(parts[i]) + "=" + percent_encode_all(parts[i + 1]);
    expected[std::string(parts[i])] = std::string(parts[i + 1]);
  }
  FUZZ_CHECK(parse_query(query) == expected);
  return 0;
}
