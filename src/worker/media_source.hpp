// Where a worker gets a job's media: the API's media directory when the
// worker shares it (embedded mode, or a shared volume), or the API over
// HTTP with the job's own media token (distributed mode on any machine).
#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include "queue/job_ticket.hpp"

namespace soundscripter {

// A job's media as a local file, for as long as this object lives (a
// downloaded copy is removed with it).
class LocalMedia {
 public:
  LocalMedia(std::filesystem::path path, bool remove_when_done)
      : path_(std::move(path)), remove_when_done_(remove_when_done) {}
  ~LocalMedia();
  LocalMedia(const LocalMedia&) = delete;
  LocalMedia& operator=(const LocalMedia&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
  bool remove_when_done_;
};

class MediaSource {
 public:
  virtual ~MediaSource() = default;
  // Throws Error: not_found when the job's media is gone (deleted),
  // backend_unavailable when the API cannot be reached (worth a retry).
  virtual std::unique_ptr<LocalMedia> fetch(const JobTicket& ticket) = 0;
};

std::unique_ptr<MediaSource> make_directory_media_source(std::filesystem::path media_dir);
// GET {api_url}/v1/worker/jobs/{id}/media?token=..., into temp_dir.
std::unique_ptr<MediaSource> make_http_media_source(std::string api_url,
                                                    std::filesystem::path temp_dir);

}  // namespace soundscripter
