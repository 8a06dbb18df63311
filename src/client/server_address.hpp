// Which SoundScripter server the client commands talk to, and with what key.
//
// Precedence, lowest first: the default (a server on this machine), then
// SOUNDSCRIPTER_SERVER / SOUNDSCRIPTER_API_KEY, then --server / --key.
#pragma once

#include <string>

#include "util/environment.hpp"

namespace soundscripter {

inline constexpr const char* kDefaultServerUrl = "http://127.0.0.1:8000";

struct ServerAddress {
  std::string url = kDefaultServerUrl;  // no trailing slash
  std::string api_key;                  // "" sends no Authorization header
};

// flag_url / flag_key: what the command line gave ("" when not given).
// Throws Error(invalid_argument) for a URL that is not http:// or https://.
ServerAddress resolve_server_address(const std::string& flag_url, const std::string& flag_key,
                                     const Environment& environment);

}  // namespace soundscripter
