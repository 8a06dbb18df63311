#include "events/redis_listener.hpp"

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <future>

#include <spdlog/spdlog.h>

#include "util/error.hpp"

namespace soundscripter {
namespace {

using namespace std::chrono_literals;

constexpr std::chrono::milliseconds kFirstRetryDelay = 100ms;
constexpr std::chrono::milliseconds kLongestRetryDelay = 2s;

std::string_view element_text(const redisReply& element) {
  if (element.type != REDIS_REPLY_STRING && element.type != REDIS_REPLY_STATUS) return {};
  return {element.str, element.len};
}

}  // namespace

RedisListener::StopSignal::StopSignal() {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC | O_NONBLOCK) != 0) {
    throw Error(ErrorCode::internal, std::string("redis event bus: pipe: ") + std::strerror(errno));
  }
  read_fd_ = fds[0];
  write_fd_ = fds[1];
}

RedisListener::StopSignal::~StopSignal() {
  close(read_fd_);
  close(write_fd_);
}

void RedisListener::StopSignal::stop() {
  const char byte = 1;
  // The pipe only has to become readable; a full pipe already is.
  [[maybe_unused]] const auto written = write(write_fd_, &byte, 1);
}

bool RedisListener::StopSignal::wait_for(std::chrono::milliseconds timeout) const {
  pollfd entry{read_fd_, POLLIN, 0};
  return poll(&entry, 1, static_cast<int>(timeout.count())) > 0;
}

bool RedisListener::StopSignal::stopped() const { return wait_for(0ms); }

RedisListener::RedisListener(RedisAddress address, RedisTimeouts timeouts, std::string pattern,
                             OnMessage on_message, std::function<void()> on_subscribed)
    : address_(std::move(address)),
      timeouts_(timeouts),
      pattern_(std::move(pattern)),
      on_message_(std::move(on_message)),
      on_subscribed_(std::move(on_subscribed)) {
  std::promise<void> first_attempt;
  std::future<void> first_attempt_done = first_attempt.get_future();
  thread_ = std::thread([this, promise = std::make_shared<std::promise<void>>(std::move(first_attempt))] {
    run([promise] { promise->set_value(); });
  });
  first_attempt_done.wait();
}

RedisListener::~RedisListener() {
  stop_.stop();
  thread_.join();
}

void RedisListener::run(std::function<void()> first_attempt_done) {
  std::chrono::milliseconds delay = kFirstRetryDelay;
  bool in_outage = false;  // warn once per outage, not on every retry
  while (!stop_.stopped()) {
    try {
      RedisConnection connection = subscribe();
      subscribed_ = true;
      if (in_outage) spdlog::info("redis event bus: subscribed again to {} on {}", pattern_, address_.describe());
      in_outage = false;
      delay = kFirstRetryDelay;
      // Before the constructor returns: subscriptions made after that have
      // missed nothing and must not be told they might have.
      on_subscribed_();
      if (first_attempt_done) std::exchange(first_attempt_done, nullptr)();
      listen(connection);
      return;  // listen() returns only when stopped
    } catch (const std::exception& e) {
      subscribed_ = false;
      if (first_attempt_done) std::exchange(first_attempt_done, nullptr)();
      spdlog::log(in_outage ? spdlog::level::debug : spdlog::level::warn,
                  "redis event bus: subscriber connection failed (events published meanwhile are only in the "
                  "store): {}; retrying, at longest every {} ms",
                  e.what(), kLongestRetryDelay.count());
      in_outage = true;
    }
    if (stop_.wait_for(delay)) break;
    delay = std::min(delay * 2, kLongestRetryDelay);
  }
  if (first_attempt_done) first_attempt_done();
}

RedisConnection RedisListener::subscribe() {
  RedisConnection connection = RedisConnection::open(address_, timeouts_);
  connection.send({"PSUBSCRIBE", pattern_});
  const RedisReply reply = connection.next_reply();
  // ["psubscribe", pattern, count]; anything else means the server refused.
  if (reply->type != REDIS_REPLY_ARRAY || reply->elements < 2 ||
      element_text(*reply->element[0]) != "psubscribe") {
    const std::string detail = reply->type == REDIS_REPLY_ERROR ? std::string(reply->str, reply->len)
                                                                 : "unexpected reply";
    throw Error(ErrorCode::backend_unavailable, "redis " + address_.describe() + ": PSUBSCRIBE: " + detail);
  }
  return connection;
}

void RedisListener::listen(RedisConnection& connection) {
  for (;;) {
    // Replies already read (the PSUBSCRIBE answer may have brought messages
    // along) come first, so poll() is only asked about what is still unread.
    while (RedisReply reply = connection.buffered_reply()) handle(*reply);
    pollfd entries[2] = {{stop_.fd(), POLLIN, 0}, {connection.fd(), POLLIN, 0}};
    if (poll(entries, 2, -1) < 0) {
      if (errno == EINTR) continue;
      throw Error(ErrorCode::internal, std::string("redis event bus: poll: ") + std::strerror(errno));
    }
    if (entries[0].revents != 0) return;
    if (entries[1].revents != 0) connection.read_available();  // throws when the server closed it
  }
}

void RedisListener::handle(const redisReply& reply) {
  // ["pmessage", pattern, channel, message]; confirmations and the like are
  // not events.
  if (reply.type != REDIS_REPLY_ARRAY || reply.elements != 4) return;
  if (element_text(*reply.element[0]) != "pmessage") return;
  on_message_(element_text(*reply.element[2]), element_text(*reply.element[3]));
}

}  // namespace soundscripter
