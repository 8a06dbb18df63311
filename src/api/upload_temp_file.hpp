// A temporary file that an upload streams into: unique name in a given
// directory, SHA-256 computed as bytes are written, removed on destruction
// unless the caller took it with release().
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

#include "api/sha256.hpp"
#include "models/unique_fd.hpp"

namespace soundscripter {

class UploadTempFile {
 public:
  // Creates dir/upload-XXXXXX (mode 0600). Throws Error(internal) naming the
  // directory and the system's reason when it cannot.
  explicit UploadTempFile(const std::filesystem::path& dir);
  ~UploadTempFile();
  UploadTempFile(UploadTempFile&&) noexcept;
  UploadTempFile& operator=(UploadTempFile&&) = delete;
  UploadTempFile(const UploadTempFile&) = delete;
  UploadTempFile& operator=(const UploadTempFile&) = delete;

  // Throws Error(internal) when the disk refuses (full, quota).
  void write(std::string_view bytes);
  std::uint64_t bytes() const { return bytes_; }
  const std::filesystem::path& path() const { return path_; }

  // Closes the file and returns the hex SHA-256 of everything written;
  // the file is still removed on destruction. Call once.
  std::string close();
  // Hands the file over: it is no longer removed here.
  void release() { owned_ = false; }

 private:
  std::filesystem::path path_;
  UniqueFd fd_;
  Sha256 hash_;
  std::uint64_t bytes_ = 0;
  bool owned_ = true;
};

}  // namespace soundscripter
