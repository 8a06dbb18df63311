// mkostemp gives a name no other upload (or process) can race for, and
// O_CLOEXEC keeps the descriptor out of any child process (ffmpeg probes).
#include "api/upload_temp_file.hpp"

#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <system_error>
#include <utility>
#include <vector>

#include "util/error.hpp"

namespace soundscripter {

UploadTempFile::UploadTempFile(const std::filesystem::path& dir) {
  std::string pattern = (dir / "upload-XXXXXX").string();
  std::vector<char> name(pattern.begin(), pattern.end());
  name.push_back('\0');
  fd_.reset(::mkostemp(name.data(), O_CLOEXEC));
  if (!fd_) {
    throw Error(ErrorCode::internal,
                "cannot create an upload file in " + dir.string() + ": " + std::strerror(errno));
  }
  path_ = name.data();
}

UploadTempFile::UploadTempFile(UploadTempFile&& other) noexcept
    : path_(std::move(other.path_)),
      fd_(std::move(other.fd_)),
      hash_(std::move(other.hash_)),
      bytes_(other.bytes_),
      owned_(std::exchange(other.owned_, false)) {}

UploadTempFile::~UploadTempFile() {
  fd_.reset();
  if (owned_ && !path_.empty()) {
    std::error_code ignored;  // a destructor cannot report; the file may be gone already
    std::filesystem::remove(path_, ignored);
  }
}

void UploadTempFile::write(std::string_view bytes) {
  hash_.update(bytes);
  bytes_ += bytes.size();
  while (!bytes.empty()) {
    const ssize_t written = ::write(fd_.get(), bytes.data(), bytes.size());
    if (written < 0 && errno == EINTR) continue;
    if (written < 0 && (errno == ENOSPC || errno == EDQUOT)) {
      throw Error(ErrorCode::insufficient_storage, "storing the upload: " + std::string(std::strerror(errno)));
    }
    if (written < 0) {
      throw Error(ErrorCode::internal, "storing the upload: " + std::string(std::strerror(errno)));
    }
    bytes.remove_prefix(static_cast<std::size_t>(written));
  }
}

std::string UploadTempFile::close() {
  fd_.reset();
  return hash_.finish_hex();
}

}  // namespace soundscripter
