// A small hand-written scanner: Beast parses header fields but not their
// parameters, and multipart parts need the same parsing as the request.
#include "api/header_params.hpp"


#include "api/url.hpp"
#include "util/strings.hpp"

namespace soundscripter {
namespace {

// ISO-8859-1 bytes are the first 256 code points: each becomes UTF-8.
std::string latin1_to_utf8(std::string_view text) {
  std::string out;
  for (unsigned char c : text) {
    if (c < 0x80) {
      out += static_cast<char>(c);
    } else {
      out += static_cast<char>(0xC0 | (c >> 6));
      out += static_cast<char>(0x80 | (c & 0x3F));
    }
  }
  return out;
}

// charset'language'percent-encoded -> UTF-8, or nothing for a charset we
// cannot convert (the plain parameter is then kept).
std::optional<std::string> decode_extended_value(std::string_view text) {
  const auto first_quote = text.find('\'');
  if (first_quote == std::string_view::npos) return std::nullopt;
  const auto second_quote = text.find('\'', first_quote + 1);
  if (second_quote == std::string_view::npos) return std::nullopt;
  const std::string charset = ascii_lower(text.substr(0, first_quote));
  const std::string decoded = url_decode(text.substr(second_quote + 1), /*plus_is_space=*/false);
  if (charset == "utf-8") return decoded;
  if (charset == "iso-8859-1") return latin1_to_utf8(decoded);
  return std::nullopt;
}

// Reads a quoted string starting after the opening quote; advances pos past
// the closing quote (or to the end when it is missing).
std::string read_quoted(std::string_view text, std::size_t& pos) {
  std::string value;
  while (pos < text.size()) {
    const char c = text[pos++];
    if (c == '"') break;
    if (c == '\\' && pos < text.size() && (text[pos] == '"' || text[pos] == '\\')) {
      value += text[pos++];
      continue;
    }
    value += c;
  }
  return value;
}

}  // namespace

std::optional<std::string> HeaderValue::param(const std::string& lower_name) const {
  auto it = params.find(lower_name);
  if (it == params.end()) return std::nullopt;
  return it->second;
}

HeaderValue parse_header_value(std::string_view header) {
  HeaderValue result;
  std::size_t pos = header.find(';');
  result.value = ascii_lower(trim_ascii(header.substr(0, pos)));
  std::map<std::string, std::string> extended;
  while (pos != std::string_view::npos && pos < header.size()) {
    ++pos;  // past ';'
    const auto equals = header.find_first_of("=;", pos);
    if (equals == std::string_view::npos || header[equals] == ';') {
      pos = equals;  // a parameter without a value
      continue;
    }
    const std::string name = ascii_lower(trim_ascii(header.substr(pos, equals - pos)));
    pos = equals + 1;
    while (pos < header.size() && (header[pos] == ' ' || header[pos] == '\t')) ++pos;
    std::string value;
    if (pos < header.size() && header[pos] == '"') {
      ++pos;
      value = read_quoted(header, pos);
      pos = header.find(';', pos);
    } else {
      const auto end = header.find(';', pos);
      value = std::string(trim_ascii(header.substr(pos, end == std::string_view::npos ? end : end - pos)));
      pos = end;
    }
    if (name.empty()) continue;
    if (name.back() == '*') {
      // A bare "*" names no parameter: skipped like an empty name.
      if (name.size() == 1) continue;
      if (auto decoded = decode_extended_value(value)) extended[name.substr(0, name.size() - 1)] = *decoded;
      continue;
    }
    result.params.emplace(name, std::move(value));  // the first of repeated names wins
  }
  for (auto& [name, value] : extended) result.params[name] = std::move(value);
  return result;
}

}  // namespace soundscripter
