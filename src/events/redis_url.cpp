// The redis:// URL parser. Hand-written because the grammar is small and the
// one subtle part (a password may contain '@' or '/') is easier to get right
// here than to configure in a general URL library.
#include "events/redis_url.hpp"

#include <charconv>
#include <string_view>

#include "util/error.hpp"

namespace soundscripter {
namespace {

constexpr std::string_view kScheme = "redis://";

// The URL as it may appear in a message: the user info's password replaced.
std::string masked(const std::string& url) {
  const auto at = url.rfind('@');
  if (at == std::string::npos || url.compare(0, kScheme.size(), kScheme) != 0) return url;
  const auto colon = url.find(':', kScheme.size());
  if (colon == std::string::npos || colon > at) return url;  // user name only
  return url.substr(0, colon + 1) + "***" + url.substr(at);
}

[[noreturn]] void fail(const std::string& url, const std::string& what) {
  throw Error(ErrorCode::invalid_argument, "redis URL \"" + masked(url) + "\": " + what +
                                               " (expected redis://[[user]:password@]host[:port][/db])");
}

// Whether text is a decimal number in [min, max]; if so it is stored in out.
bool parse_int(std::string_view text, int min, int max, int& out) {
  if (text.empty()) return false;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), out);
  return error == std::errc{} && end == text.data() + text.size() && out >= min && out <= max;
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// %XX -> the byte; anything else as it is.
std::string percent_decoded(std::string_view text, const std::string& url) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out += text[i];
      continue;
    }
    const int high = i + 2 < text.size() ? hex_digit(text[i + 1]) : -1;
    const int low = i + 2 < text.size() ? hex_digit(text[i + 2]) : -1;
    if (high < 0 || low < 0) fail(url, "a '%' in the user info is not followed by two hex digits");
    out += static_cast<char>(high * 16 + low);
    i += 2;
  }
  return out;
}

void parse_user_info(std::string_view info, const std::string& url, RedisAddress& address) {
  const auto colon = info.find(':');
  // "secret@host" could mean a user or a password; other clients disagree,
  // so ask for the colon rather than guess.
  if (colon == std::string_view::npos) fail(url, "the user info needs a ':' before the password");
  address.username = percent_decoded(info.substr(0, colon), url);
  address.password = percent_decoded(info.substr(colon + 1), url);
}

// host, host:port, [v6], [v6]:port
void parse_host_port(std::string_view text, const std::string& url, RedisAddress& address) {
  std::string_view port;
  if (text.starts_with('[')) {
    const auto close = text.find(']');
    if (close == std::string_view::npos) fail(url, "an IPv6 host has no closing ']'");
    address.host = std::string(text.substr(1, close - 1));
    const std::string_view rest = text.substr(close + 1);
    if (!rest.empty() && !rest.starts_with(':')) fail(url, "unexpected text after the IPv6 host");
    if (!rest.empty()) port = rest.substr(1);
    if (rest == ":") fail(url, "the port is empty");
  } else {
    const auto colon = text.rfind(':');
    address.host = std::string(text.substr(0, colon));
    if (colon != std::string_view::npos) {
      port = text.substr(colon + 1);
      if (port.empty()) fail(url, "the port is empty");
    }
  }
  if (address.host.empty()) fail(url, "the host is empty");
  if (!port.empty() && !parse_int(port, 1, 65535, address.port)) {
    fail(url, "the port \"" + std::string(port) + "\" is not a number from 1 to 65535");
  }
}

}  // namespace

std::string RedisAddress::describe() const {
  const bool v6 = host.find(':') != std::string::npos;
  return (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

RedisAddress parse_redis_url(const std::string& url) {
  if (url.starts_with("rediss://")) fail(url, "TLS (rediss://) is not supported");
  if (!url.starts_with(kScheme)) fail(url, "it does not start with redis://");
  std::string_view rest = std::string_view(url).substr(kScheme.size());
  if (rest.find('?') != std::string_view::npos) fail(url, "query parameters are not supported");

  RedisAddress address;
  // The last '@' ends the user info: a password may contain '@' or '/'.
  if (const auto at = rest.rfind('@'); at != std::string_view::npos) {
    parse_user_info(rest.substr(0, at), url, address);
    rest = rest.substr(at + 1);
  }
  const auto slash = rest.find('/');
  parse_host_port(rest.substr(0, slash), url, address);
  if (slash != std::string_view::npos) {
    const std::string_view db = rest.substr(slash + 1);
    if (!db.empty() && !parse_int(db, 0, 1 << 30, address.db)) {
      fail(url, "the database \"" + std::string(db) + "\" is not a number");
    }
  }
  return address;
}

}  // namespace soundscripter
