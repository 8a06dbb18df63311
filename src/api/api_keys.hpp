// The API keys a server accepts, and who a Bearer token belongs to.
//
// Keys come from a file (one per line: "key" or "name: key", '#' comments)
// and from SOUNDSCRIPTER_API_KEYS (a comma list of the same). In place of
// a key, an entry may give its SHA-256 as "sha256:HEX" (from
// `printf %s KEY | sha256sum`), so the file holds no secret. A key is
// printable ASCII without spaces; one that contains ':' must be given a
// name, as the first ':' separates the name. Each key has
// an id, a short stable hash of the key, that jobs record as their owner:
// it is the same in every process and after restarts, and it is safe to log
// and store because the key cannot be recovered from it. The key itself is
// never logged, stored or shown.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace soundscripter {

struct ApiKeyInfo {
  std::string id;      // "k_" + 16 hex digits of the key's SHA-256
  std::string name;    // from "name: key", else the id
  std::string source;  // "keys.txt:3" or "SOUNDSCRIPTER_API_KEYS"
};

class ApiKeys {
 public:
  ApiKeys() = default;  // no keys: authentication is off

  // Reads a keys file. Throws Error(not_found) when it cannot be read and
  // Error(invalid_argument) "PATH:LINE: ..." for a malformed or duplicate
  // key, or when the file holds no key at all (authentication would
  // silently be off).
  void add_file(const std::filesystem::path& path);
  // Adds "key" or "name: key" entries (a comma list, split by the caller);
  // source names them in errors. Throws Error(invalid_argument) as add_file.
  void add(std::string_view entry, const std::string& source);

  bool empty() const { return keys_.empty(); }
  std::size_t size() const { return keys_.size(); }
  std::vector<ApiKeyInfo> list() const;

  // The id of the key equal to token, or nothing. Compares against every
  // key in constant time (digests, so not even the length leaks).
  std::optional<std::string> identify(std::string_view bearer_token) const;

  static std::string key_id(std::string_view key);

 private:
  struct Key {
    ApiKeyInfo info;
    std::string digest;  // hex SHA-256: equal length for every key
  };
  std::vector<Key> keys_;
};

// The token of "Bearer TOKEN" (the scheme is case-insensitive), or nothing.
std::optional<std::string_view> bearer_token(std::string_view authorization_header);

// The keys a configuration names: those in file (unless it is empty) and
// the listed "key" or "name: key" entries, whose errors name listed_source
// ("env SOUNDSCRIPTER_API_KEYS") and the entry's number. Throws as
// ApiKeys::add_file.
ApiKeys load_api_keys(const std::filesystem::path& file, const std::vector<std::string>& listed_keys,
                      const std::string& listed_source);

}  // namespace soundscripter
