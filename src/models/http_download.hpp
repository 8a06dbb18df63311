// One HTTP(S) GET of a URL into an open file, continuing after the bytes
// the file already holds. model_fetch.cpp decides whether to try again.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "models/model_fetch.hpp"

namespace soundscripter {

struct DownloadOutcome {
  enum class Status {
    complete,           // the server sent everything (or had nothing past the end)
    transient_failure,  // the connection broke or the server was busy: worth retrying
    failure,            // retrying will not help (refused, not found, disk full, ...)
  };
  Status status = Status::failure;
  std::string message;              // for failures: "URL: cause"
  std::uint64_t bytes_received = 0; // during this attempt
};

// Appends the rest of url to the file open on fd (read-write), asking with a
// Range request for what follows the bytes already there, and starting the
// file over when the server ignores the range. Follows redirects, treats HTTP
// errors as failures, and gives up on a connection that stalls.
// expected_total sizes the progress when the server does not say (0: unknown).
DownloadOutcome download_into_file(int fd, const std::string& url, std::uint64_t expected_total,
                                   const std::function<void(const FetchProgress&)>& on_progress);

}  // namespace soundscripter
