#include "worker/media_source.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cstring>

#include <spdlog/spdlog.h>

#include "models/http_download.hpp"
#include "models/unique_fd.hpp"
#include "util/error.hpp"

namespace soundscripter {

LocalMedia::~LocalMedia() {
  if (!remove_when_done_) return;
  std::error_code ignored;
  std::filesystem::remove(path_, ignored);
}

namespace {

class DirectoryMediaSource final : public MediaSource {
 public:
  explicit DirectoryMediaSource(std::filesystem::path dir) : dir_(std::move(dir)) {}

  std::unique_ptr<LocalMedia> fetch(const JobTicket& ticket) override {
    auto path = dir_ / ticket.media_file;
    if (!std::filesystem::exists(path)) {
      throw Error(ErrorCode::not_found, ticket.media_filename + ": the job's media is gone");
    }
    return std::make_unique<LocalMedia>(path, false);
  }

 private:
  std::filesystem::path dir_;
};

class HttpMediaSource final : public MediaSource {
 public:
  HttpMediaSource(std::string api_url, std::filesystem::path temp_dir)
      : api_url_(std::move(api_url)), temp_dir_(std::move(temp_dir)) {
    while (!api_url_.empty() && api_url_.back() == '/') api_url_.pop_back();
    std::filesystem::create_directories(temp_dir_);
  }

  std::unique_ptr<LocalMedia> fetch(const JobTicket& ticket) override {
    const std::string url =
        api_url_ + "/v1/worker/jobs/" + ticket.job_id + "/media?token=" + ticket.media_token;
    auto path = temp_dir_ / ("job-" + ticket.job_id + "-" + ticket.media_file);
    auto media = std::make_unique<LocalMedia>(path, true);
    UniqueFd fd(::open(path.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
    if (!fd) {
      throw Error(ErrorCode::internal, "cannot create " + path.string() + ": " + std::strerror(errno));
    }
    // A connection that breaks mid-file continues where it stopped.
    for (int attempt = 1;; ++attempt) {
      DownloadOutcome outcome = download_into_file(fd.get(), url, 0, {});
      if (outcome.status == DownloadOutcome::Status::complete) break;
      // The token is a credential: messages name the job, not the URL.
      std::string cause = outcome.message;
      if (auto at = cause.find(url); at != std::string::npos) cause.replace(at, url.size(), "media");
      if (outcome.status == DownloadOutcome::Status::failure) {
        const bool gone = cause.find("404") != std::string::npos;
        throw Error(gone ? ErrorCode::not_found : ErrorCode::backend_unavailable,
                    "fetching the media of job " + ticket.job_id + " from " + api_url_ + ": " + cause);
      }
      if (attempt == 3) {
        throw Error(ErrorCode::backend_unavailable,
                    "fetching the media of job " + ticket.job_id + " from " + api_url_ + ": " + cause);
      }
      spdlog::warn("job {}: media download interrupted ({}); continuing", ticket.job_id, cause);
    }
    return media;
  }

 private:
  std::string api_url_;
  std::filesystem::path temp_dir_;
};

}  // namespace

std::unique_ptr<MediaSource> make_directory_media_source(std::filesystem::path media_dir) {
  return std::make_unique<DirectoryMediaSource>(std::move(media_dir));
}

std::unique_ptr<MediaSource> make_http_media_source(std::string api_url,
                                                    std::filesystem::path temp_dir) {
  return std::make_unique<HttpMediaSource>(std::move(api_url), std::move(temp_dir));
}

}  // namespace soundscripter
