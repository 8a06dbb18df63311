// Fetching a model: download to ggml-NAME.bin.part beside the final file,
// keep the .part across failures so the next try resumes it, and rename it
// into place only once its size and SHA-1 match the catalog. A half-written
// or corrupt model can therefore never be found under the real name.
//
// The .part file is locked (flock) for the whole fetch, so two fetches of
// the same model (two terminals, or a CLI fetch beside a running server)
// take turns instead of appending to one file; the second then finds the
// model installed and returns at once.
#include "models/model_fetch.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <system_error>
#include <thread>

#include "models/file_sha1.hpp"
#include "models/http_download.hpp"
#include "models/unique_fd.hpp"
#include "util/error.hpp"

namespace soundscripter {
namespace {

namespace fs = std::filesystem;

// Failures that make no progress are retried this many times in a row,
// with a growing pause; an attempt that brings new bytes resets the count.
constexpr int max_attempts_without_progress = 3;

std::string model_url(const KnownModel& model, const FetchOptions& options) {
  std::string base = options.base_url.empty() ? models_base_url(model) : options.base_url;
  while (!base.empty() && base.back() == '/') base.pop_back();
  return base + "/" + model.file_name();
}

std::uintmax_t file_size_or_zero(const fs::path& path) {
  std::error_code error;
  const auto size = fs::file_size(path, error);
  return error ? 0 : size;
}

// Opens and locks the .part file. Waits while another fetch holds it, then
// checks the path still names the file it locked: the other fetch may have
// renamed or removed it meanwhile, and writing to that old file would be lost.
UniqueFd open_locked_part_file(const fs::path& part) {
  for (;;) {
    UniqueFd fd(::open(part.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644));
    if (!fd) {
      throw Error(ErrorCode::invalid_argument,
                  part.string() + ": cannot create: " + std::strerror(errno));
    }
    while (::flock(fd.get(), LOCK_EX) != 0) {
      if (errno != EINTR) {
        throw Error(ErrorCode::internal, part.string() + ": cannot lock: " + std::strerror(errno));
      }
    }
    struct stat locked {}, named {};
    if (::fstat(fd.get(), &locked) == 0 && ::stat(part.c_str(), &named) == 0 &&
        locked.st_dev == named.st_dev && locked.st_ino == named.st_ino) {
      return fd;
    }
  }
}

bool is_installed(const fs::path& path, const KnownModel& model) {
  std::error_code error;
  if (!fs::is_regular_file(path, error)) return false;
  return model.size_bytes == 0 || file_size_or_zero(path) == model.size_bytes;
}

void download_with_retries(int fd, const std::string& url, const KnownModel& model,
                           const FetchOptions& options) {
  int failures_without_progress = 0;
  for (;;) {
    const DownloadOutcome outcome =
        download_into_file(fd, url, model.size_bytes, options.on_progress);
    if (outcome.status == DownloadOutcome::Status::complete) return;
    if (outcome.status == DownloadOutcome::Status::failure) {
      throw Error(ErrorCode::backend_unavailable, outcome.message);
    }
    failures_without_progress = outcome.bytes_received > 0 ? 0 : failures_without_progress + 1;
    if (failures_without_progress >= max_attempts_without_progress) {
      throw Error(ErrorCode::backend_unavailable,
                  outcome.message + " (gave up after " +
                      std::to_string(max_attempts_without_progress) +
                      " tries; run the fetch again to resume)");
    }
    std::this_thread::sleep_for(std::chrono::seconds(failures_without_progress));
  }
}

// Throws Error(model_invalid), after removing the .part, when the download
// is not the published file.
void verify_download(const fs::path& part, const std::string& url, const KnownModel& model) {
  const std::uintmax_t size = file_size_or_zero(part);
  std::string problem;
  if (model.size_bytes != 0 && size != model.size_bytes) {
    problem = "got " + std::to_string(size) + " bytes, expected " + std::to_string(model.size_bytes);
  } else if (!model.sha256.empty()) {
    if (const std::string sha256 = sha256_hex_of_file(part); sha256 != model.sha256) {
      problem = "SHA-256 is " + sha256 + ", expected " + model.sha256;
    }
  } else if (!model.sha1.empty()) {
    if (const std::string sha1 = sha1_hex_of_file(part); sha1 != model.sha1) {
      problem = "SHA-1 is " + sha1 + ", expected " + model.sha1;
    }
  }
  if (problem.empty()) return;
  std::error_code ignored;
  fs::remove(part, ignored);
  throw Error(ErrorCode::model_invalid,
              url + ": " + problem + "; the download was removed, fetch it again");
}

}  // namespace

std::string models_base_url(const KnownModel& model) {
  if (const char* url = std::getenv("SOUNDSCRIPTER_MODELS_URL"); url && *url) return url;
  return "https://huggingface.co/" + model.repository + "/resolve/main";
}

fs::path fetch_model(const KnownModel& model, const fs::path& dir, const FetchOptions& options) {
  // With neither a checksum nor a size, a truncated or tampered file would be installed unnoticed.
  if (!model.has_checksum() && model.size_bytes == 0) {
    throw Error(ErrorCode::invalid_argument,
                "model " + model.name + " has no known checksum or size; refusing to install it unchecked");
  }
  std::error_code error;
  fs::create_directories(dir, error);
  if (error) {
    throw Error(ErrorCode::invalid_argument, dir.string() + ": cannot create: " + error.message());
  }
  const fs::path target = dir / model.file_name();
  if (is_installed(target, model)) return target;

  const fs::path part = fs::path(target).concat(".part");
  UniqueFd fd = open_locked_part_file(part);
  // Another fetch may have finished while this one waited for the lock.
  if (is_installed(target, model)) {
    fs::remove(part, error);
    return target;
  }

  const std::string url = model_url(model, options);
  const std::uintmax_t already = file_size_or_zero(part);
  if (model.size_bytes != 0 && already > model.size_bytes) {
    // Longer than the real file: not a prefix of it, so it cannot be resumed.
    if (::ftruncate(fd.get(), 0) != 0) {
      throw Error(ErrorCode::internal, part.string() + ": cannot truncate: " + std::strerror(errno));
    }
  }
  if (model.size_bytes == 0 || file_size_or_zero(part) != model.size_bytes) {
    download_with_retries(fd.get(), url, model, options);
  }
  verify_download(part, url, model);
  // The data must be on disk before the name says the model is there.
  if (::fsync(fd.get()) != 0) {
    throw Error(ErrorCode::internal, part.string() + ": cannot sync: " + std::strerror(errno));
  }
  fs::rename(part, target, error);
  if (error) {
    throw Error(ErrorCode::internal,
                part.string() + ": cannot rename to " + target.string() + ": " + error.message());
  }
  return target;
}

}  // namespace soundscripter
