// A non-blocking connect with a deadline over every address of a host,
// keeping the reason of the last failure.
#include "queue/rabbitmq_tcp.hpp"

#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>

namespace soundscripter::rabbitmq {
namespace {

using Clock = std::chrono::steady_clock;

struct AddressListFree {
  void operator()(addrinfo* list) const { freeaddrinfo(list); }
};

// Connects `fd` to `address` by the deadline; 0 or the errno of the failure.
int connect_by(int fd, const addrinfo& address, Clock::time_point deadline) {
  if (connect(fd, address.ai_addr, address.ai_addrlen) == 0) return 0;
  if (errno != EINPROGRESS) return errno;
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) return ETIMEDOUT;
    pollfd wanted{fd, POLLOUT, 0};
    const int ready = poll(&wanted, 1, static_cast<int>(left));
    if (ready < 0 && errno == EINTR) continue;
    if (ready < 0) return errno;
    if (ready == 0) return ETIMEDOUT;
    int error = 0;
    socklen_t length = sizeof error;
    if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length) != 0) return errno;
    return error;
  }
}

}  // namespace

TcpConnectResult connect_tcp(const std::string& host, int port, std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* raw = nullptr;
  if (const int rc = getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &raw); rc != 0) {
    return {-1, "cannot resolve " + host + ": " + gai_strerror(rc)};
  }
  std::unique_ptr<addrinfo, AddressListFree> addresses(raw);
  int last_error = ETIMEDOUT;
  for (const addrinfo* address = raw; address; address = address->ai_next) {
    // Non-blocking as rabbitmq-c's own sockets are: it polls with its timeouts.
    const int fd = socket(address->ai_family, address->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
                          address->ai_protocol);
    if (fd < 0) {
      last_error = errno;
      continue;
    }
    const int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);  // frames are small; don't wait
    setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof one);
    last_error = connect_by(fd, *address, deadline);
    if (last_error == 0) return {fd, ""};
    close(fd);
    if (Clock::now() >= deadline) break;
  }
  if (last_error == ETIMEDOUT) return {-1, "no answer within " + std::to_string(timeout.count()) + " ms"};
  return {-1, std::strerror(last_error)};
}

}  // namespace soundscripter::rabbitmq
