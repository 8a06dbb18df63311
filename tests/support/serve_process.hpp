// A real `soundscripter serve` for a test: started on a free port with a
// fresh data directory, stopped with SIGTERM (or SIGKILL, to test crash
// recovery), and started again on the same data directory. With command
// "worker" it is a `soundscripter worker` instead, ready once its banner
// is printed.
//
// The child gets this process's environment without any SOUNDSCRIPTER_*
// variable (so a developer's settings never leak into a test), an empty
// models directory of its own, and then the test's variables. Its stdout
// and stderr go to files beside the data directory; log() returns the
// JSON log lines for failure messages.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "support/temp_dir.hpp"

namespace soundscripter::test {

class ServeProcess {
 public:
  struct Options {
    std::vector<std::string> args;              // after `serve --port 0 --data-dir DIR` (or `worker`)
    std::map<std::string, std::string> env;     // added to (or replacing) the environment
    std::chrono::seconds start_timeout{60};     // until it listens and /healthz answers
    std::string command = "serve";              // or "worker"
  };

  // Starts the server; throws std::runtime_error (with its log) when it
  // exits or does not answer within start_timeout.
  explicit ServeProcess(Options options);
  ~ServeProcess();  // stops it (SIGTERM, then SIGKILL after 30 s) if it runs
  ServeProcess(const ServeProcess&) = delete;
  ServeProcess& operator=(const ServeProcess&) = delete;

  // SIGTERM and wait. Returns the exit status, or -1 when it had to be
  // killed after `timeout` (or died of a signal).
  int stop(std::chrono::milliseconds timeout = std::chrono::seconds(30));
  // SIGKILL: the process dies at once, as in a crash or power cut.
  void kill9();
  // Starts it again on the same data directory (after stop or kill9); the
  // port changes.
  void restart();

  bool running() const { return pid_ > 0; }
  const Options& options() const { return options_; }
  pid_t pid() const { return pid_; }
  int port() const { return port_; }
  std::string base_url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  const std::filesystem::path& data_dir() const { return data_dir_; }
  // How long the last stop() took.
  std::chrono::milliseconds last_stop_duration() const { return last_stop_duration_; }
  // What it printed on stdout (the banner) in its latest run.
  std::string banner() const;
  // Its stderr (JSON logs) over every run so far, the last max_lines lines.
  std::string log(std::size_t max_lines = 80) const;

 private:
  void start();
  std::vector<std::string> environment() const;

  Options options_;
  TempDir root_;
  std::filesystem::path data_dir_;
  std::filesystem::path models_dir_;
  int runs_ = 0;
  pid_t pid_ = -1;
  int port_ = 0;
  std::chrono::milliseconds last_stop_duration_{0};
};

}  // namespace soundscripter::test
