// parse_header_value (src/api/header_params.hpp) on any header value, and on
// values this target writes itself with every parameter quoted, which must
// read back exactly.
#include <map>
#include <string>
#include <vector>

#include "api/header_params.hpp"
#include "fuzz_support.hpp"
#include "util/strings.hpp"

namespace {

using namespace soundscripter;

std::vector<std::string_view> pieces(std::string_view text) {
  std::vector<std::string_view> out;
  while (true) {
    const auto nul = text.find('\0');
    out.push_back(text.substr(0, nul));
    if (nul == std::string_view::npos) return out;
    text.remove_prefix(nul + 1);
  }
}

// An RFC 9110 token, the only names this target writes.
bool is_token(std::string_view name) {
  if (name.empty()) return false;
  for (char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
    if (!ok) return false;
  }
  return true;
}

std::string quoted(std::string_view value) {
  std::string out = "\"";
  for (char c : value) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text = fuzz::as_text(data, size);

  // Any value: lower case and trimmed as promised, parameter names too.
  const HeaderValue parsed = parse_header_value(text);
  FUZZ_CHECK(parsed.value == ascii_lower(parsed.value));
  FUZZ_CHECK(parsed.value == trim_ascii(parsed.value));
  for (const auto& [name, value] : parsed.params) {
    FUZZ_CHECK(!name.empty());
    FUZZ_CHECK(name == ascii_lower(name));
    FUZZ_CHECK(parsed.param(name) == value);
  }

  // Written: "type; n1="v1"; n2="v2"" from NUL-separated pieces.
  const auto parts = pieces(text);
  std::string header = "form-data";
  std::map<std::string, std::string> expected;
  for (std::size_t i = 0; i + 1 < parts.size(); i += 2) {
    const std::string name = ascii_lower(parts[i]);
    if (!is_token(name)) continue;
    header += "; " + name + "=" + quoted(parts[i + 1]);
    expected.emplace(name, parts[i + 1]);  // the first of repeated names wins
  }
  const HeaderValue written = parse_header_value(header);
  FUZZ_CHECK(written.value == "form-data");
  FUZZ_CHECK(written.params == expected);
  return 0;
}
