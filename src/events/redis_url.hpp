// Where the Redis event bus connects: parsed from the service's URL,
// redis://[[user]:password@]host[:port][/db].
//
// The password is kept apart so that nothing that describes the address
// (log lines, error messages) ever shows it.
#pragma once

#include <string>

namespace soundscripter {

struct RedisAddress {
  std::string host;      // a name, an IPv4 address or an IPv6 one without brackets
  int port = 6379;
  std::string username;  // empty: AUTH with the password alone (no ACL user)
  std::string password;  // empty: no AUTH
  int db = 0;            // accepted for the URL's sake; pub/sub channels ignore it

  // "host:port" (IPv6 in brackets), for messages; never the password.
  std::string describe() const;
};

// Throws Error(invalid_argument) naming the URL (password masked) and what
// is wrong with it. User and password may be percent-encoded.
RedisAddress parse_redis_url(const std::string& url);

}  // namespace soundscripter
