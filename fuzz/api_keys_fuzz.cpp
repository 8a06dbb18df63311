// load_api_keys (src/api/api_keys.hpp) on any keys file, written to a
// scratch file since it reads a path; and bearer_token on any header. A
// loaded file's every key must then be recognised by identify(), under its
// id, and no other token.
#include <algorithm>
#include <fstream>
#include <string>

#include "api/api_keys.hpp"
#include "fuzz_support.hpp"
#include "util/error.hpp"
#include "util/strings.hpp"

namespace {

using namespace soundscripter;

bool is_hex(std::string_view text) {
  return text.find_first_not_of("0123456789abcdef") == std::string_view::npos;
}

// "sha256:" and 64 hex digits: an entry giving a key's digest, not the key.
bool is_digest_entry(std::string_view key) {
  return key.starts_with("sha256:") && key.size() == 71 && is_hex(ascii_lower(key.substr(7)));
}

// The key of a line as the file format defines it: after the first ':',
// unless the whole line is a digest entry.
std::string_view key_of(std::string_view line) {
  line = trim_ascii(line);
  const auto colon = line.find(':');
  return colon == std::string_view::npos || is_digest_entry(line) ? line : trim_ascii(line.substr(colon + 1));
}

void check_bearer_token(std::string_view header) {
  const auto token = bearer_token(header);
  if (!token) return;
  FUZZ_CHECK(!token->empty() && *token == trim_ascii(*token));
  FUZZ_CHECK(token->size() + 7 <= header.size());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text = fuzz::as_text(data, size);
  check_bearer_token(text);
  const std::string_view first_line = text.substr(0, text.find('\n'));
  FUZZ_CHECK(bearer_token("Bearer " + std::string(first_line)).value_or("") == trim_ascii(first_line));

  const std::filesystem::path file = fuzz::scratch_dir() / "keys.txt";
  {
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out.write(text.data(), static_cast<std::streamsize>(text.size()));
  }
  ApiKeys keys;
  try {
    keys = load_api_keys(file, {}, "fuzz");
  } catch (const Error& error) {
    FUZZ_CHECK(error.code() == ErrorCode::invalid_argument);
    return 0;
  }
  FUZZ_CHECK(!keys.empty());
  for (const ApiKeyInfo& info : keys.list()) {
    FUZZ_CHECK(info.id.size() == 18 && info.id.starts_with("k_") && is_hex(info.id.substr(2)));
    FUZZ_CHECK(!info.name.empty());
  }
  // std::getline's lines, as add_file reads them.
  std::size_t found = 0;
  for (std::string_view rest = text; !rest.empty();) {
    const auto end = rest.find('\n');
    const std::string_view line = rest.substr(0, end);
    rest = end == std::string_view::npos ? std::string_view{} : rest.substr(end + 1);
    if (trim_ascii(line).empty() || trim_ascii(line).front() == '#') continue;
    const std::string_view key = key_of(line);
    if (is_digest_entry(key)) {
      // The key is unknown; its id is the digest's start all the same.
      const std::string id = "k_" + ascii_lower(key.substr(7, 16));
      const auto listed = keys.list();
      FUZZ_CHECK(std::any_of(listed.begin(), listed.end(), [&](const ApiKeyInfo& info) { return info.id == id; }));
    } else {
      FUZZ_CHECK(keys.identify(key) == ApiKeys::key_id(key));
    }
    ++found;
  }
  FUZZ_CHECK(found == keys.size());
  FUZZ_CHECK(!keys.identify(std::string(text) + "\x01"));  // never a valid key: has a control byte
  return 0;
}
