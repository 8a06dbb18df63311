// A program running beside the test, for commands that are acted on while
// they run (a server restarted under `submit`, Ctrl-C): its stdout and
// stderr go to files the test reads at any time; its stdin is /dev/null, or
// a pseudo-terminal the test types into (terminal_stdin), so the program
// sees a terminal there.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "support/temp_dir.hpp"

namespace soundscripter::test {

class BackgroundProcess {
 public:
  explicit BackgroundProcess(const std::vector<std::string>& argv, bool terminal_stdin = false);
  ~BackgroundProcess();  // SIGKILL if it still runs
  BackgroundProcess(const BackgroundProcess&) = delete;
  BackgroundProcess& operator=(const BackgroundProcess&) = delete;

  std::string out() const;
  std::string err() const;

  void signal(int number) const;
  // Types text on its terminal (terminal_stdin only).
  void type(const std::string& text) const;

  // Waits until stderr satisfies `holds`; false at the timeout or when the
  // program ended first.
  bool wait_for_err(const std::function<bool(const std::string&)>& holds, std::chrono::milliseconds timeout);
  // Waits for it to end: the exit status, -1 for a signal, nullopt at the timeout.
  std::optional<int> wait(std::chrono::milliseconds timeout);

 private:
  TempDir dir_;
  pid_t pid_ = -1;
  int terminal_ = -1;  // the pseudo-terminal's master side
  std::optional<int> status_;
};

}  // namespace soundscripter::test
