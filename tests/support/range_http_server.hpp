// Runs tests/support/range_http_server.py for the length of a test: a real
// HTTP server on 127.0.0.1 with Range support, so model fetching is tested
// through libcurl end to end rather than against a fake.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <string>

namespace soundscripter::test {

class RangeHttpServer {
 public:
  struct Options {
    std::filesystem::path directory;      // served as the root
    std::uint64_t drop_after_bytes = 0;   // cut every response after this many body bytes
    bool ignore_ranges = false;           // always answer 200 with the whole file
  };

  // Starts the server and waits until it listens; throws std::runtime_error
  // when it does not start within 10 s.
  explicit RangeHttpServer(const Options& options);
  ~RangeHttpServer();
  RangeHttpServer(const RangeHttpServer&) = delete;
  RangeHttpServer& operator=(const RangeHttpServer&) = delete;

  int port() const { return port_; }
  // "http://127.0.0.1:PORT", without a trailing slash.
  std::string base_url() const;
  // One line per request so far: "GET /path range=bytes=N-" ("range=-" without one).
  std::string request_log() const;

 private:
  void stop();

  pid_t pid_ = -1;
  int stdin_fd_ = -1;  // closing it tells the server to exit
  int port_ = 0;
  std::filesystem::path log_path_;
};

// A TCP port on 127.0.0.1 where nothing listens (bound, then released).
int unused_local_port();

}  // namespace soundscripter::test
