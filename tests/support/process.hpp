// Runs a program and captures what it prints: the tests drive the real
// binaries (soundscripter, whisper-cli, ffmpeg) the way a user would.
#pragma once

#include <string>
#include <vector>

namespace soundscripter::test {

struct ProcessResult {
  int exit_code = -1;   // -1 when killed by a signal or the timeout
  std::string out;      // standard output
  std::string err;      // standard error
};

// Runs argv[0] (searched in PATH) with the rest as arguments; no shell.
// Kills it after timeout_seconds.
ProcessResult run_process(const std::vector<std::string>& argv, int timeout_seconds = 600);

}  // namespace soundscripter::test
