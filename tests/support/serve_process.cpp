// Starting and stopping `soundscripter serve`: fork/exec with stdout and
// stderr in files, the port read from the banner's first line, readiness
// checked with GET /healthz. See serve_process.hpp.
#include "support/serve_process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <deque>
#include <fstream>
#include <regex>
#include <stdexcept>
#include <thread>

#include "support/file_text.hpp"
#include "support/http_client.hpp"
#include "support/test_paths.hpp"

extern char** environ;

namespace soundscripter::test {
namespace {

// Each server of a test gets a directory of its own.
std::string next_prefix() {
  static std::atomic<int> count{0};
  return "serve" + std::to_string(++count);
}

// Waits for the child without blocking past the deadline; the exit status
// (-1 for a signal), or nullopt when it still runs.
std::optional<int> reap(pid_t pid, std::chrono::steady_clock::time_point deadline) {
  while (true) {
    int status = 0;
    const pid_t done = waitpid(pid, &status, WNOHANG);
    if (done == pid) return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    if (done < 0) return -1;
    if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

}  // namespace

ServeProcess::ServeProcess(Options options)
    : options_(std::move(options)), root_(next_prefix()), data_dir_(root_ / "data"), models_dir_(root_ / "models") {
  std::filesystem::create_directories(data_dir_);
  std::filesystem::create_directories(models_dir_);
  start();
}

ServeProcess::~ServeProcess() {
  if (running()) stop();
}

std::vector<std::string> ServeProcess::environment() const {
  std::map<std::string, std::string> env;
  for (char** entry = environ; *entry; ++entry) {
    std::string text = *entry;
    const auto equals = text.find('=');
    if (equals == std::string::npos || text.starts_with("SOUNDSCRIPTER_")) continue;
    env[text.substr(0, equals)] = text.substr(equals + 1);
  }
  env["SOUNDSCRIPTER_MODELS_DIR"] = models_dir_.string();
  for (const auto& [name, value] : options_.env) env[name] = value;
  std::vector<std::string> lines;
  for (const auto& [name, value] : env) lines.push_back(name + "=" + value);
  return lines;
}

void ServeProcess::start() {
  ++runs_;
  const auto out_path = root_ / ("stdout-" + std::to_string(runs_) + ".txt");
  const auto err_path = root_ / ("stderr-" + std::to_string(runs_) + ".txt");
  const bool is_server = options_.command == "serve";
  std::vector<std::string> argv = {soundscripter_binary().string(), options_.command};
  if (is_server) argv.insert(argv.end(), {"--port", "0", "--data-dir", data_dir_.string()});
  argv.insert(argv.end(), options_.args.begin(), options_.args.end());
  const std::vector<std::string> env = environment();
  // Everything exec needs is made before fork: only async-signal-safe
  // calls happen in the child of a threaded process.
  std::vector<char*> args, envp;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  for (const auto& e : env) envp.push_back(const_cast<char*>(e.c_str()));
  envp.push_back(nullptr);
  const int out_fd = open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  const int err_fd = open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  const int null_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
  if (out_fd < 0 || err_fd < 0 || null_fd < 0) throw std::runtime_error("cannot open the server's log files");

  const pid_t pid = fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    dup2(null_fd, STDIN_FILENO);
    dup2(out_fd, STDOUT_FILENO);
    dup2(err_fd, STDERR_FILENO);
    // The test's threads may have signals blocked; the server sets its own.
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    execve(args[0], args.data(), envp.data());
    _exit(127);
  }
  close(out_fd);
  close(err_fd);
  close(null_fd);
  pid_ = pid;

  // "SoundScripter is listening on http://127.0.0.1:PORT" comes first; a
  // worker prints "SoundScripter worker ID: ..." once it takes jobs.
  const auto deadline = std::chrono::steady_clock::now() + options_.start_timeout;
  static const std::regex listening(R"(listening on http://[^:]+:(\d+))");
  while (true) {
    const std::string out = file_text(out_path);
    std::smatch match;
    if (!is_server && out.find("SoundScripter worker") != std::string::npos) return;
    if (out.find('\n') != std::string::npos && std::regex_search(out, match, listening)) {
      port_ = std::stoi(match[1]);
      break;
    }
    if (auto status = reap(pid_, std::chrono::steady_clock::now())) {
      pid_ = -1;
      throw std::runtime_error("soundscripter " + options_.command + " exited with " +
                               std::to_string(*status) + " before it was ready:\n" + out + log());
    }
    if (std::chrono::steady_clock::now() > deadline) {
      kill9();
      throw std::runtime_error("soundscripter " + options_.command + " did not say it was ready in time:\n" + log());
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  HttpClient client(base_url());
  while (client.get("/healthz").status != 200) {
    if (std::chrono::steady_clock::now() > deadline) {
      kill9();
      throw std::runtime_error("soundscripter serve does not answer /healthz:\n" + log());
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

int ServeProcess::stop(std::chrono::milliseconds timeout) {
  if (!running()) return -1;
  const auto started = std::chrono::steady_clock::now();
  kill(pid_, SIGTERM);
  std::optional<int> status = reap(pid_, started + timeout);
  if (!status) {
    kill(pid_, SIGKILL);
    reap(pid_, std::chrono::steady_clock::time_point::max());
    status = -1;
  }
  last_stop_duration_ =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
  pid_ = -1;
  return *status;
}

void ServeProcess::kill9() {
  if (!running()) return;
  kill(pid_, SIGKILL);
  reap(pid_, std::chrono::steady_clock::time_point::max());
  pid_ = -1;
}

void ServeProcess::restart() {
  if (running()) stop();
  start();
}

std::string ServeProcess::banner() const { return file_text(root_ / ("stdout-" + std::to_string(runs_) + ".txt")); }

std::string ServeProcess::log(std::size_t max_lines) const {
  std::deque<std::string> lines;
  for (int run = 1; run <= runs_; ++run) {
    std::ifstream in(root_ / ("stderr-" + std::to_string(run) + ".txt"));
    lines.push_back("--- " + options_.command + " run " + std::to_string(run) + " ---");
    for (std::string line; std::getline(in, line);) {
      lines.push_back(line);
      if (lines.size() > max_lines) lines.pop_front();
    }
  }
  std::string text;
  for (const auto& line : lines) text += line + "\n";
  return text;
}

}  // namespace soundscripter::test
