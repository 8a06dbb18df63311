// Percent-decoding of paths and query strings.
#pragma once

#include <map>
#include <string>
#include <string_view>

namespace soundscripter {

// "%41b+c" -> "Ab c" (with plus_is_space) or "Ab+c". Bad escapes are kept as they are.
std::string url_decode(std::string_view text, bool plus_is_space = true);

// "a=1&b=x%20y&flag" -> {a: "1", b: "x y", flag: ""}; the last of repeated keys wins.
std::map<std::string, std::string> parse_query(std::string_view query);

}  // namespace soundscripter
