// Parameterised header values: Content-Type ("multipart/form-data;
// boundary=x") and Content-Disposition ("form-data; name="file";
// filename="a.mp3"; filename*=UTF-8''%C3%A9.mp3").
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace soundscripter {

struct HeaderValue {
  std::string value;                          // lower case: "form-data"
  std::map<std::string, std::string> params;  // names lower case, values unquoted

  std::optional<std::string> param(const std::string& lower_name) const;
};

// Lenient, as servers must be with what browsers send: quoted values may
// hold ';', a backslash escapes only '"' and '\' (old browsers sent
// unescaped Windows paths), parameters without '=' are skipped. An RFC 8187
// extended parameter (filename*=UTF-8''...) is decoded and replaces the
// plain one of the same name.
HeaderValue parse_header_value(std::string_view header);

}  // namespace soundscripter
