// The publishing side of a RabbitMQ job queue: one connection, guarded by a
// mutex, used by push (with publisher confirms), depth and healthy.
//
// A connection is opened on first use and dropped after any failure; the
// next call opens a new one. So a broker that went away costs each caller
// one quick failure (connect timeout ~3 s, a refused connect far less) and
// nothing has to watch the connection in the background. This connection
// asks for no heartbeats: nothing reads it between calls, so the broker
// would close it for silence. A broker that restarted is noticed before
// publishing (its close frame is waiting on the socket), and one that
// vanished silently by the missing confirm.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string_view>

#include "queue/rabbitmq_connection.hpp"
#include "queue/rabbitmq_topology.hpp"

namespace soundscripter::rabbitmq {

class Publisher {
 public:
  Publisher(Endpoint endpoint, QueueNames names, std::chrono::milliseconds timeout);

  // Publishes to the jobs queue and waits for the broker's confirm: when
  // this returns, the broker has the message (persisted, as it is durable).
  // Throws Error(backend_unavailable) otherwise.
  void publish_job(std::string_view body, int priority);

  // Messages ready in `queue`; throws Error(backend_unavailable).
  std::int64_t ready(const std::string& queue);

  // The broker answers (connecting if need be). Never throws.
  bool reachable();

 private:
  // The open connection, with the topology declared and confirms on; a new
  // one when there is none or the broker has closed the old one. Caller
  // holds mutex_.
  Connection& connection();
  // Runs `use` on the connection and drops the connection when it throws.
  template <typename Use>
  auto with_connection(Use&& use);

  Endpoint endpoint_;
  QueueNames names_;
  std::chrono::milliseconds timeout_;
  std::mutex mutex_;
  std::unique_ptr<Connection> connection_;
};

}  // namespace soundscripter::rabbitmq
