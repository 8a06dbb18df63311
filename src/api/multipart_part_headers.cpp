// RFC 7578 parts carry at most Content-Disposition, Content-Type and the
// obsolete Content-Transfer-Encoding; anything else is read and ignored.
#include "api/multipart_part_headers.hpp"

#include <utility>
#include <vector>

#include "api/header_params.hpp"
#include "util/error.hpp"
#include "util/strings.hpp"

namespace soundscripter {
namespace {

// "name: value" lines; a line starting with a space or tab continues the
// previous one (obsolete folding, still legal to receive).
std::vector<std::pair<std::string, std::string>> split_header_lines(std::string_view headers,
                                                                   const std::string& part) {
  std::vector<std::pair<std::string, std::string>> fields;
  while (!headers.empty()) {
    const auto end = headers.find("\r\n");
    const std::string_view line = headers.substr(0, end);
    headers = end == std::string_view::npos ? std::string_view{} : headers.substr(end + 2);
    if (line.empty()) continue;
    if ((line.front() == ' ' || line.front() == '\t') && !fields.empty()) {
      fields.back().second.append(" ").append(trim_ascii(line));
      continue;
    }
    const auto colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0) {
      throw Error(ErrorCode::invalid_argument,
                  part + " has a malformed header line '" + std::string(line.substr(0, 80)) + "'");
    }
    fields.emplace_back(ascii_lower(trim_ascii(line.substr(0, colon))), std::string(trim_ascii(line.substr(colon + 1))));
  }
  return fields;
}

std::string last_path_component(const std::string& filename) {
  const auto slash = filename.find_last_of("/\\");
  return slash == std::string::npos ? filename : filename.substr(slash + 1);
}

}  // namespace

MultipartPartInfo parse_multipart_part_headers(std::string_view headers, std::size_t part_number) {
  const std::string part = "multipart part " + std::to_string(part_number);
  MultipartPartInfo info;
  std::optional<HeaderValue> disposition;
  for (const auto& [name, value] : split_header_lines(headers, part)) {
    if (name == "content-disposition" && !disposition) disposition = parse_header_value(value);
    if (name == "content-type" && info.content_type.empty()) info.content_type = value;
  }
  if (!disposition) {
    throw Error(ErrorCode::invalid_argument, part + " has no Content-Disposition header");
  }
  if (disposition->value != "form-data") {
    throw Error(ErrorCode::invalid_argument,
                part + " has Content-Disposition '" + disposition->value + "', not form-data");
  }
  auto name = disposition->param("name");
  if (!name || name->empty()) {
    throw Error(ErrorCode::invalid_argument, part + " has no name in its Content-Disposition header");
  }
  info.name = std::move(*name);
  if (auto filename = disposition->param("filename")) info.filename = last_path_component(*filename);
  return info;
}

}  // namespace soundscripter
