#include "support/background_process.hpp"

#include <fcntl.h>
#include <pty.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <stdexcept>
#include <thread>

#include "support/file_text.hpp"

namespace soundscripter::test {
namespace {

std::string next_prefix() {
  static std::atomic<int> count{0};
  return "background" + std::to_string(++count);
}

}  // namespace

BackgroundProcess::BackgroundProcess(const std::vector<std::string>& argv, bool terminal_stdin)
    : dir_(next_prefix()) {
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  const int out_fd = open((dir_ / "stdout").c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  const int err_fd = open((dir_ / "stderr").c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  int in_fd = -1;
  if (terminal_stdin) {
    if (openpty(&terminal_, &in_fd, nullptr, nullptr, nullptr) != 0) throw std::runtime_error("openpty failed");
    fcntl(terminal_, F_SETFD, FD_CLOEXEC);
    fcntl(in_fd, F_SETFD, FD_CLOEXEC);
  } else {
    in_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
  }
  if (out_fd < 0 || err_fd < 0 || in_fd < 0) throw std::runtime_error("cannot open the program's files");
  pid_ = fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    dup2(in_fd, STDIN_FILENO);
    dup2(out_fd, STDOUT_FILENO);
    dup2(err_fd, STDERR_FILENO);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    execvp(args[0], args.data());
    _exit(127);
  }
  close(out_fd);
  close(err_fd);
  close(in_fd);
}

BackgroundProcess::~BackgroundProcess() {
  if (!status_) {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
  if (terminal_ >= 0) close(terminal_);
}

std::string BackgroundProcess::out() const { return file_text(dir_ / "stdout"); }
std::string BackgroundProcess::err() const { return file_text(dir_ / "stderr"); }

void BackgroundProcess::signal(int number) const {
  if (!status_) kill(pid_, number);
}

void BackgroundProcess::type(const std::string& text) const {
  if (terminal_ < 0 || write(terminal_, text.data(), text.size()) != static_cast<ssize_t>(text.size())) {
    throw std::runtime_error("cannot type on the program's terminal");
  }
}

bool BackgroundProcess::wait_for_err(const std::function<bool(const std::string&)>& holds,
                                     std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (holds(err())) return true;
    if (wait(std::chrono::milliseconds(0))) return holds(err());
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

std::optional<int> BackgroundProcess::wait(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!status_) {
    int status = 0;
    const pid_t done = waitpid(pid_, &status, WNOHANG);
    if (done == pid_) {
      status_ = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
      break;
    }
    if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return status_;
}

}  // namespace soundscripter::test
