// The libcurl transfer behind `models fetch`.
//
// Range is set with CURLOPT_RANGE rather than CURLOPT_RESUME_FROM because
// the latter makes curl fail outright when a server answers 200 to a range
// request; here that answer just means "start over", which the body callback
// handles by truncating the file. Progress is reported from curl's transfer
// callback, which curl calls about once a second even while no bytes arrive,
// so a stalled download shows its speed falling instead of freezing.
#include "models/http_download.hpp"

#include <curl/curl.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <exception>
#include <memory>
#include <mutex>

namespace soundscripter {
namespace {

using Clock = std::chrono::steady_clock;

constexpr long connect_timeout_seconds = 30;
// Below 1 KiB/s for a whole minute, a connection is as good as dead.
constexpr long low_speed_bytes_per_second = 1024;
constexpr long low_speed_window_seconds = 60;
constexpr auto progress_interval = std::chrono::milliseconds(200);

struct CurlEasyCleanup {
  void operator()(CURL* curl) const { curl_easy_cleanup(curl); }
};
using CurlEasy = std::unique_ptr<CURL, CurlEasyCleanup>;

void initialize_curl_once() {
  // curl_global_init is not thread-safe, and a server may fetch from several threads.
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct Transfer {
  CURL* curl = nullptr;
  int fd = -1;
  std::uint64_t on_disk = 0;        // bytes in the file now
  std::uint64_t received = 0;       // bytes this attempt
  std::uint64_t total = 0;          // size of the whole file, 0 if unknown
  bool body_started = false;
  std::string write_error;
  const std::function<void(const FetchProgress&)>* on_progress = nullptr;
  std::exception_ptr callback_error;  // thrown by on_progress; must not unwind through curl
  Clock::time_point started = Clock::now();
  Clock::time_point last_report{};

  FetchProgress progress() const {
    const double seconds = std::chrono::duration<double>(Clock::now() - started).count();
    return {on_disk, total, seconds > 0 ? static_cast<double>(received) / seconds : 0.0};
  }
};

// Called once, with the first bytes of the body: the status and headers are
// known by then, and what is already in the file may have to go.
bool start_body(Transfer& transfer) {
  long status = 0;
  curl_easy_getinfo(transfer.curl, CURLINFO_RESPONSE_CODE, &status);
  if (status != 206 && transfer.on_disk > 0) {
    if (::ftruncate(transfer.fd, 0) != 0 || ::lseek(transfer.fd, 0, SEEK_SET) != 0) {
      transfer.write_error = std::string("cannot truncate the partial file: ") + std::strerror(errno);
      return false;
    }
    transfer.on_disk = 0;
  }
  curl_off_t length = -1;
  curl_easy_getinfo(transfer.curl, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &length);
  if (length >= 0) transfer.total = transfer.on_disk + static_cast<std::uint64_t>(length);
  transfer.body_started = true;
  return true;
}

size_t on_body(char* data, size_t size, size_t count, void* user) {
  auto& transfer = *static_cast<Transfer*>(user);
  if (!transfer.body_started && !start_body(transfer)) return 0;
  const size_t bytes = size * count;
  size_t written = 0;
  while (written < bytes) {
    const ssize_t n = ::write(transfer.fd, data + written, bytes - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      transfer.write_error = std::string("cannot write the partial file: ") + std::strerror(errno);
      return 0;  // curl stops with CURLE_WRITE_ERROR
    }
    written += static_cast<size_t>(n);
  }
  transfer.on_disk += bytes;
  transfer.received += bytes;
  return bytes;
}

int on_transfer_info(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  auto& transfer = *static_cast<Transfer*>(user);
  const auto now = Clock::now();
  if (!*transfer.on_progress || now - transfer.last_report < progress_interval) return 0;
  transfer.last_report = now;
  try {
    (*transfer.on_progress)(transfer.progress());
  } catch (...) {
    transfer.callback_error = std::current_exception();
    return 1;  // aborts the transfer; the exception is rethrown after curl returns
  }
  return 0;
}

bool is_transient(CURLcode code, long http_status) {
  switch (code) {
    case CURLE_PARTIAL_FILE:
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
      return true;
    case CURLE_HTTP_RETURNED_ERROR:
      // Busy or failing servers and gateways; a 4xx will not change by asking again.
      return http_status == 408 || http_status == 429 || http_status >= 500;
    default:
      return false;
  }
}

}  // namespace

DownloadOutcome download_into_file(int fd, const std::string& url, std::uint64_t expected_total,
                                   const std::function<void(const FetchProgress&)>& on_progress) {
  initialize_curl_once();
  CurlEasy curl(curl_easy_init());
  if (!curl) return {DownloadOutcome::Status::failure, url + ": cannot start libcurl", 0};

  struct stat file_status {};
  if (::fstat(fd, &file_status) != 0 || ::lseek(fd, 0, SEEK_END) < 0) {
    return {DownloadOutcome::Status::failure,
            url + ": cannot use the partial file: " + std::strerror(errno), 0};
  }
  Transfer transfer;
  transfer.curl = curl.get();
  transfer.fd = fd;
  transfer.on_disk = static_cast<std::uint64_t>(file_status.st_size);
  transfer.total = expected_total;
  transfer.on_progress = &on_progress;
  const std::uint64_t resumed_from = transfer.on_disk;
  const std::string range = std::to_string(resumed_from) + "-";

  char error_buffer[CURL_ERROR_SIZE] = {};
  CURL* handle = curl.get();
  curl_easy_setopt(handle, CURLOPT_URL, url.c_str());
  curl_easy_setopt(handle, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(handle, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(handle, CURLOPT_FOLLOWLOCATION, 1L);
  curl_easy_setopt(handle, CURLOPT_MAXREDIRS, 10L);
  curl_easy_setopt(handle, CURLOPT_FAILONERROR, 1L);
  curl_easy_setopt(handle, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(handle, CURLOPT_USERAGENT, "soundscripter/0.1");
  curl_easy_setopt(handle, CURLOPT_CONNECTTIMEOUT, connect_timeout_seconds);
  curl_easy_setopt(handle, CURLOPT_LOW_SPEED_LIMIT, low_speed_bytes_per_second);
  curl_easy_setopt(handle, CURLOPT_LOW_SPEED_TIME, low_speed_window_seconds);
  curl_easy_setopt(handle, CURLOPT_ERRORBUFFER, error_buffer);
  curl_easy_setopt(handle, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(handle, CURLOPT_WRITEDATA, &transfer);
  curl_easy_setopt(handle, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(handle, CURLOPT_XFERINFOFUNCTION, on_transfer_info);
  curl_easy_setopt(handle, CURLOPT_XFERINFODATA, &transfer);
  if (resumed_from > 0) curl_easy_setopt(handle, CURLOPT_RANGE, range.c_str());

  const CURLcode code = curl_easy_perform(handle);
  if (transfer.callback_error) std::rethrow_exception(transfer.callback_error);

  long http_status = 0;
  curl_easy_getinfo(handle, CURLINFO_RESPONSE_CODE, &http_status);
  DownloadOutcome outcome;
  outcome.bytes_received = transfer.received;
  if (code == CURLE_OK) {
    outcome.status = DownloadOutcome::Status::complete;
  } else if (code == CURLE_HTTP_RETURNED_ERROR && http_status == 416 && resumed_from > 0) {
    // Nothing lies past the bytes we have: the partial file is already whole
    // (or too long, which the size and checksum checks will catch).
    outcome.status = DownloadOutcome::Status::complete;
  } else {
    outcome.status = is_transient(code, http_status) ? DownloadOutcome::Status::transient_failure
                                                     : DownloadOutcome::Status::failure;
    std::string cause;
    if (!transfer.write_error.empty()) {
      cause = transfer.write_error;
    } else if (code == CURLE_HTTP_RETURNED_ERROR) {
      cause = "HTTP " + std::to_string(http_status);
    } else {
      cause = error_buffer[0] ? error_buffer : curl_easy_strerror(code);
    }
    outcome.message = url + ": " + cause;
  }
  if (outcome.status == DownloadOutcome::Status::complete && on_progress) {
    if (transfer.total == 0) transfer.total = transfer.on_disk;
    on_progress(transfer.progress());
  }
  return outcome;
}

}  // namespace soundscripter
