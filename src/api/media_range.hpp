// Serving an uploaded file with HTTP Range support, so a player can seek.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "api/http_types.hpp"

namespace soundscripter {

// 200 with the whole file, 206 with one "bytes=a-b" / "bytes=a-" /
// "bytes=-n" range, or 416 for a range outside the file. Several ranges
// in one header get the whole file (allowed by RFC 9110).
HttpResponse media_file_response(const std::filesystem::path& path, const std::string& filename,
                                 const std::optional<std::string>& range_header);

}  // namespace soundscripter
