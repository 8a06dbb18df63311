#include "api/media_range.hpp"

#include "media/mime_type.hpp"
#include "util/error.hpp"

namespace soundscripter {
namespace {

struct ByteRange {
  std::uint64_t first = 0;
  std::uint64_t last = 0;  // inclusive
};

// Nothing for a header we do not handle (then the whole file is sent);
// throws for a range that cannot be satisfied.
std::optional<ByteRange> parse_range(const std::string& header, std::uint64_t size) {
  if (!header.starts_with("bytes=") || header.find(',') != std::string::npos) return std::nullopt;
  std::string spec = header.substr(6);
  auto dash = spec.find('-');
  if (dash == std::string::npos) return std::nullopt;
  try {
    std::string from = spec.substr(0, dash), to = spec.substr(dash + 1);
    ByteRange range;
    if (from.empty()) {  // the last n bytes
      std::uint64_t n = std::stoull(to);
      if (n == 0 || size == 0) throw std::out_of_range("");
      range.first = n >= size ? 0 : size - n;
      range.last = size - 1;
    } else {
      range.first = std::stoull(from);
      range.last = to.empty() ? size - 1 : std::min<std::uint64_t>(std::stoull(to), size - 1);
      if (range.first >= size || range.last < range.first) throw std::out_of_range("");
    }
    return range;
  } catch (const std::invalid_argument&) {
    return std::nullopt;
  } catch (const std::out_of_range&) {
    throw Error(ErrorCode::invalid_argument, "range not satisfiable");
  }
}

}  // namespace

HttpResponse media_file_response(const std::filesystem::path& path, const std::string& filename,
                                 const std::optional<std::string>& range_header) {
  std::error_code ec;
  const std::uint64_t size = std::filesystem::file_size(path, ec);
  if (ec) throw Error(ErrorCode::not_found, "the media of this job is no longer stored");
  HttpResponse response;
  response.file = path;
  response.content_type = mime_type_for(filename);
  response.headers.emplace_back("Accept-Ranges", "bytes");
  std::string quoted_name;  // quotes and control characters would break the header
  for (char c : filename) quoted_name += (c == '"' || static_cast<unsigned char>(c) < 0x20) ? '_' : c;
  response.headers.emplace_back("Content-Disposition", "inline; filename=\"" + quoted_name + "\"");
  std::optional<ByteRange> range;
  try {
    if (range_header) range = parse_range(*range_header, size);
  } catch (const Error&) {
    HttpResponse refusal = error_response(416, "range_not_satisfiable",
                                          "the range '" + *range_header + "' is outside the file's " +
                                              std::to_string(size) + " bytes");
    refusal.headers.emplace_back("Content-Range", "bytes */" + std::to_string(size));
    return refusal;
  }
  if (range) {
    response.status = 206;
    response.file_offset = range->first;
    response.file_length = range->last - range->first + 1;
    response.headers.emplace_back("Content-Range", "bytes " + std::to_string(range->first) + "-" +
                                                       std::to_string(range->last) + "/" +
                                                       std::to_string(size));
  }
  return response;
}

}  // namespace soundscripter
