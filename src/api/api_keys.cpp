// Keys are kept only as SHA-256 digests: identify() hashes the presented
// token and compares digests with CRYPTO_memcmp against every key, so
// neither the time taken nor an early exit tells an attacker how much of a
// guess was right, or how long a key is.
#include "api/api_keys.hpp"

#include <openssl/crypto.h>

#include <fstream>

#include "api/sha256.hpp"
#include "util/error.hpp"
#include "util/strings.hpp"

namespace soundscripter {
namespace {

bool is_key_character(char c) { return c > ' ' && c < 0x7F; }

// "sha256:" and the key's 64 hex digits (`printf %s KEY | sha256sum`): a
// keys file may hold digests only, so reading it gives away no key.
constexpr std::string_view kDigestPrefix = "sha256:";

std::optional<std::string> digest_of_entry(std::string_view key) {
  if (!key.starts_with(kDigestPrefix)) return std::nullopt;
  const std::string digest = ascii_lower(key.substr(kDigestPrefix.size()));
  if (digest.size() != 64 || digest.find_first_not_of("0123456789abcdef") != std::string::npos) return std::nullopt;
  return digest;
}

}  // namespace

std::string ApiKeys::key_id(std::string_view key) {
  // 64 bits of the digest: collisions among a server's few keys are out of
  // the question, and the id stays short in logs and URLs.
  return "k_" + Sha256::hex_of(key).substr(0, 16);
}

void ApiKeys::add(std::string_view entry, const std::string& source) {
  entry = trim_ascii(entry);
  std::string_view name;
  std::string_view key = entry;
  // An unnamed digest's own ':' does not start a name.
  if (const auto colon = entry.find(':'); colon != std::string_view::npos && !digest_of_entry(entry)) {
    name = trim_ascii(entry.substr(0, colon));
    key = trim_ascii(entry.substr(colon + 1));
  }
  if (key.empty()) throw Error(ErrorCode::invalid_argument, source + ": an API key entry without a key");
  for (char c : key) {
    if (!is_key_character(c)) {
      throw Error(ErrorCode::invalid_argument,
                  source + ": an API key may hold only printable ASCII characters without spaces");
    }
  }
  Key added;
  added.digest = digest_of_entry(key).value_or(Sha256::hex_of(key));
  added.info.id = "k_" + added.digest.substr(0, 16);  // key_id(key), also for a digest entry
  added.info.name = name.empty() ? added.info.id : std::string(name);
  added.info.source = source;
  for (const Key& existing : keys_) {
    if (existing.digest == added.digest) {
      throw Error(ErrorCode::invalid_argument,
                  source + ": the same API key is also at " + existing.info.source);
    }
  }
  keys_.push_back(std::move(added));
}

void ApiKeys::add_file(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) throw Error(ErrorCode::not_found, path.string() + ": cannot read the API keys file");
  const std::size_t before = keys_.size();
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    const std::string_view text = trim_ascii(line);
    if (text.empty() || text.front() == '#') continue;
    add(text, path.string() + ":" + std::to_string(number));
  }
  if (keys_.size() == before) {
    throw Error(ErrorCode::invalid_argument, path.string() + ": the API keys file holds no key");
  }
}

std::vector<ApiKeyInfo> ApiKeys::list() const {
  std::vector<ApiKeyInfo> infos;
  for (const Key& key : keys_) infos.push_back(key.info);
  return infos;
}

std::optional<std::string> ApiKeys::identify(std::string_view bearer_token) const {
  const std::string digest = Sha256::hex_of(bearer_token);
  const Key* found = nullptr;
  for (const Key& key : keys_) {
    // No early exit: every key costs the same whether or not one matched.
    if (CRYPTO_memcmp(key.digest.data(), digest.data(), digest.size()) == 0) found = &key;
  }
  if (!found) return std::nullopt;
  return found->info.id;
}

std::optional<std::string_view> bearer_token(std::string_view authorization_header) {
  const std::string_view header = trim_ascii(authorization_header);
  const auto space = header.find(' ');
  if (space == std::string_view::npos || ascii_lower(header.substr(0, space)) != "bearer") return std::nullopt;
  const std::string_view token = trim_ascii(header.substr(space + 1));
  if (token.empty()) return std::nullopt;
  return token;
}

ApiKeys load_api_keys(const std::filesystem::path& file, const std::vector<std::string>& listed_keys,
                      const std::string& listed_source) {
  ApiKeys keys;
  if (!file.empty()) keys.add_file(file);
  for (std::size_t i = 0; i < listed_keys.size(); ++i) {
    keys.add(listed_keys[i], listed_source + " (entry " + std::to_string(i + 1) + ")");
  }
  return keys;
}

}  // namespace soundscripter
