// The TCP connect for a RabbitMQ connection, done here rather than by
// rabbitmq-c: its connect reports every failure as "a socket error
// occurred", while an operator needs to read "Connection refused", "timed
// out" or "Name or service not known".
#pragma once

#include <chrono>
#include <string>

namespace soundscripter::rabbitmq {

struct TcpConnectResult {
  int fd = -1;        // connected, non-blocking, close-on-exec; -1 on failure
  std::string error;  // why not, when fd is -1
};

// Tries each address of `host` until one connects or `timeout` has passed.
TcpConnectResult connect_tcp(const std::string& host, int port, std::chrono::milliseconds timeout);

}  // namespace soundscripter::rabbitmq
