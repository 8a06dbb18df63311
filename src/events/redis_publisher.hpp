// RedisPublisher: the Redis bus's one publishing connection, shared by every
// thread that publishes (under a mutex, so one job's events leave in the
// order they were published).
//
// It connects lazily and reconnects the same way: a connection the server
// closed (Redis restarted) is noticed before it is used, so the first event
// after a restart is not lost to a stale socket. After a failed connect it
// waits a second before trying again, so a down Redis costs a publishing
// worker one connect timeout per second at most, not one per event.
#pragma once

#include <chrono>
#include <mutex>
#include <optional>
#include <string>

#include "events/redis_connection.hpp"
#include "events/redis_url.hpp"

namespace soundscripter {

class RedisPublisher {
 public:
  RedisPublisher(RedisAddress address, RedisTimeouts timeouts);

  // PUBLISH channel message; throws Error (with the server's address) when
  // it could not be sent.
  void publish(const std::string& channel, const std::string& message);

  // Whether the server answers PING (or took the last publish) within the
  // last second; the answer is cached that long. Never throws.
  bool healthy();

 private:
  using Clock = std::chrono::steady_clock;

  // The open connection, opened now if needed; throws during the pause
  // after a failed connect, or when connecting fails.
  RedisConnection& connection_locked();
  // Runs one command; a failure closes the connection and rethrows.
  void command_locked(std::initializer_list<std::string_view> args);

  const RedisAddress address_;
  const RedisTimeouts timeouts_;
  std::mutex mutex_;
  std::optional<RedisConnection> connection_;
  Clock::time_point next_connect_at_{};
  std::string last_connect_error_;
  bool last_ok_ = false;
  std::optional<Clock::time_point> last_checked_at_;
};

}  // namespace soundscripter
