#include "events/redis_publisher.hpp"

#include "util/error.hpp"

namespace soundscripter {
namespace {

using namespace std::chrono_literals;

constexpr auto kConnectRetryPause = 1s;
constexpr auto kHealthCachedFor = 1s;

}  // namespace

RedisPublisher::RedisPublisher(RedisAddress address, RedisTimeouts timeouts)
    : address_(std::move(address)), timeouts_(timeouts) {}

RedisConnection& RedisPublisher::connection_locked() {
  if (connection_ && connection_->closed_while_idle()) connection_.reset();
  if (connection_) return *connection_;
  if (Clock::now() < next_connect_at_) {
    throw Error(ErrorCode::backend_unavailable,
                "redis " + address_.describe() + ": not connected; the last attempt failed: " + last_connect_error_);
  }
  try {
    connection_.emplace(RedisConnection::open(address_, timeouts_));
  } catch (const Error& e) {
    next_connect_at_ = Clock::now() + kConnectRetryPause;
    last_connect_error_ = e.what();
    throw;
  }
  return *connection_;
}

void RedisPublisher::command_locked(std::initializer_list<std::string_view> args) {
  try {
    connection_locked().command(args);
    last_ok_ = true;
  } catch (const Error&) {
    connection_.reset();  // hiredis keeps the error: this connection is done
    last_ok_ = false;
    last_checked_at_ = Clock::now();
    throw;
  }
  last_checked_at_ = Clock::now();
}

void RedisPublisher::publish(const std::string& channel, const std::string& message) {
  std::lock_guard lock(mutex_);
  command_locked({"PUBLISH", channel, message});
}

bool RedisPublisher::healthy() {
  std::lock_guard lock(mutex_);
  if (last_checked_at_ && Clock::now() - *last_checked_at_ < kHealthCachedFor) return last_ok_;
  try {
    command_locked({"PING"});
  } catch (const std::exception&) {
    // last_ok_ says so; the failure is logged by whoever publishes next
  }
  return last_ok_;
}

}  // namespace soundscripter
