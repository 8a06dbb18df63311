// A plain TCP connection to a local server, for tests that must send what
// no HTTP client library would (a header that never ends, a malformed
// request) or hold sockets open without a request.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

namespace soundscripter::test {

class RawConnection {
 public:
  // Connects to 127.0.0.1:port, from from_address when set (any 127.x.y.z
  // works on Linux, so tests can be several clients).
  explicit RawConnection(int port, const std::string& from_address = "");
  ~RawConnection();
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;

  bool connected() const { return fd_ >= 0; }
  // What could be sent (the server may have closed already).
  void send(std::string_view bytes);
  // Everything the server sends until it closes the connection, or until
  // `timeout` passes (then closed() stays false).
  std::string read_until_closed(std::chrono::milliseconds timeout);
  bool closed() const { return closed_; }

 private:
  int fd_ = -1;
  bool closed_ = false;
};

}  // namespace soundscripter::test
