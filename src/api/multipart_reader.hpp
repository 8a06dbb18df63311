// A streaming multipart/form-data parser for uploads.
//
// The HTTP server feeds it the body in whatever pieces arrive from the
// socket; file parts go straight to temporary files (hashed with SHA-256 on
// the way), text fields are kept in memory under a small limit. So an upload
// of any size costs a few buffers of memory, and a limit is enforced the
// moment it is passed, not after reading everything.
// (Boost.Beast has no multipart support; this is written here.)
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "api/http_types.hpp"

namespace soundscripter {

struct MultipartLimits {
  std::uint64_t max_file_bytes = 1ull << 30;   // per file part
  std::size_t max_field_bytes = 64 * 1024;     // per text field
  std::size_t max_parts = 64;
};

class MultipartReader {
 public:
  // content_type is the request's header (it carries the boundary);
  // temporary files are made in upload_dir. Throws Error(invalid_argument)
  // when the header is not multipart/form-data with a boundary.
  MultipartReader(std::string_view content_type, std::filesystem::path upload_dir,
                  MultipartLimits limits);
  ~MultipartReader();  // removes temporary files nobody took
  MultipartReader(const MultipartReader&) = delete;
  MultipartReader& operator=(const MultipartReader&) = delete;

  // Consumes the next bytes of the body. Throws Error(too_large) as soon as
  // a limit is passed and Error(invalid_argument) for malformed input; the
  // message says which field and why.
  void feed(std::string_view bytes);

  // The body has ended: throws Error(invalid_argument) unless the closing
  // boundary was seen.
  void finish();

  // Ownership of the results passes to the caller (files are no longer
  // removed by this object).
  std::multimap<std::string, std::string> take_fields();
  std::vector<UploadedFile> take_files();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace soundscripter
