// Serving an uploaded file with HTTP Range support, so a player can seek.
#pragma once

#include <filesystem>
#include <cstdint>
#include <optional>
#include <string_view>
#include <string>

#include "api/http_types.hpp"

namespace soundscripter {

// What a Range header asks of a file of `size` bytes (RFC 9110 §14):
// one range (inclusive; numbers too large for 64 bits are clamped to the
// file), `unsatisfiable` (416: it starts past the end, or asks for the
// last 0 bytes), or `ignored` (200 with the whole file): not "bytes=",
// not exactly the grammar (no spaces, digits only, last >= first), or
// several ranges (allowed to be served whole).
struct ByteRange {
  std::uint64_t first = 0;
  std::uint64_t last = 0;
};
struct RangeRequest {
  enum class Kind { ignored, unsatisfiable, range } kind = Kind::ignored;
  ByteRange range;
};
RangeRequest parse_range_header(std::string_view header, std::uint64_t size);

// 200 with the whole file, 206 with the one range asked for, or 416.
HttpResponse media_file_response(const std::filesystem::path& path, const std::string& filename,
                                 const std::optional<std::string>& range_header);

}  // namespace soundscripter
