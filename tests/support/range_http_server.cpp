// Starts range_http_server.py as a child process with a pipe on its stdin:
// the server exits when that pipe closes, so a test that crashes does not
// leave a server behind, and the destructor also stops it at once.
#include "support/range_http_server.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <vector>

namespace soundscripter::test {
namespace {

std::filesystem::path server_script() {
  return std::filesystem::path(TESTS_SOURCE_DIR) / "support" / "range_http_server.py";
}

std::filesystem::path fresh_log_path() {
  static std::atomic<int> counter{0};
  return std::filesystem::temp_directory_path() /
         ("range_http_server-" + std::to_string(getpid()) + "-" + std::to_string(counter++) + ".log");
}

// Reads the server's "PORT <n>" line; 0 when it does not come in time.
int read_port_line(int fd, std::chrono::seconds timeout) {
  std::string text;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (text.find('\n') == std::string::npos) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now()).count();
    if (left <= 0) return 0;
    pollfd poll_fd{fd, POLLIN, 0};
    if (poll(&poll_fd, 1, static_cast<int>(left)) <= 0) continue;
    char buffer[256];
    const ssize_t n = read(fd, buffer, sizeof buffer);
    if (n <= 0) return 0;
    text.append(buffer, static_cast<size_t>(n));
  }
  int port = 0;
  if (std::sscanf(text.c_str(), "PORT %d", &port) != 1) return 0;
  return port;
}

}  // namespace

RangeHttpServer::RangeHttpServer(const Options& options) : log_path_(fresh_log_path()) {
  std::vector<std::string> argv = {"python3", server_script().string(), "--dir",
                                   options.directory.string(), "--log", log_path_.string()};
  if (options.drop_after_bytes > 0) {
    argv.push_back("--drop-after");
    argv.push_back(std::to_string(options.drop_after_bytes));
  }
  if (options.ignore_ranges) argv.push_back("--ignore-ranges");
  int in_pipe[2];
  int out_pipe[2];
  if (pipe2(in_pipe, O_CLOEXEC) != 0 || pipe2(out_pipe, O_CLOEXEC) != 0) {
    throw std::runtime_error("range_http_server: pipe failed");
  }
  pid_ = fork();
  if (pid_ < 0) throw std::runtime_error("range_http_server: fork failed");
  if (pid_ == 0) {
    dup2(in_pipe[0], STDIN_FILENO);
    dup2(out_pipe[1], STDOUT_FILENO);
    std::vector<char*> args;
    for (auto& arg : argv) args.push_back(arg.data());
    args.push_back(nullptr);
    execvp(args[0], args.data());
    _exit(127);
  }
  close(in_pipe[0]);
  close(out_pipe[1]);
  stdin_fd_ = in_pipe[1];
  port_ = read_port_line(out_pipe[0], std::chrono::seconds(10));
  close(out_pipe[0]);
  if (port_ == 0) {
    stop();
    throw std::runtime_error("range_http_server.py did not start (is python3 installed?)");
  }
}

RangeHttpServer::~RangeHttpServer() { stop(); }

void RangeHttpServer::stop() {
  if (stdin_fd_ >= 0) close(stdin_fd_);
  stdin_fd_ = -1;
  if (pid_ > 0) {
    kill(pid_, SIGTERM);
    waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }
  std::error_code ignored;
  std::filesystem::remove(log_path_, ignored);
}

std::string RangeHttpServer::base_url() const { return "http://127.0.0.1:" + std::to_string(port_); }

std::string RangeHttpServer::request_log() const {
  std::ifstream log(log_path_);
  std::ostringstream text;
  text << log.rdbuf();
  return text.str();
}

int unused_local_port() {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  socklen_t length = sizeof address;
  if (fd < 0 || bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    if (fd >= 0) close(fd);
    throw std::runtime_error("unused_local_port: cannot bind a socket");
  }
  close(fd);
  return ntohs(address.sin_port);
}

}  // namespace soundscripter::test
