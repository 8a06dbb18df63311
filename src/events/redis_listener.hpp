// RedisListener: the Redis bus's subscribing side. One connection per bus
// with PSUBSCRIBE soundscripter:jobs:*, read on a thread of its own that
// hands each message to on_message.
//
// When the connection drops (Redis restarted, a network cut) the thread
// reconnects forever, waiting 100 ms, then twice as long each time up to
// 2 s, and calls on_subscribed after every successful PSUBSCRIBE so that
// subscribers learn they may have missed events. It never throws out of the
// thread: failures are logged, one warning per outage.
//
// The thread waits in poll() on the socket and on a pipe that the
// destructor writes to, so stopping it does not wait for a timeout (except
// a connect in progress, which is bounded by the connect timeout).
#pragma once

#include <atomic>
#include <functional>
#include <string>
#include <string_view>
#include <thread>

#include "events/redis_connection.hpp"
#include "events/redis_url.hpp"

namespace soundscripter {

class RedisListener {
 public:
  using OnMessage = std::function<void(std::string_view channel, std::string_view message)>;

  // Starts the thread and waits for its first attempt to subscribe to end,
  // either way: so that once a bus is made, events published to a reachable
  // Redis reach the subscriptions made on it. Both callbacks run on the
  // thread and must not throw.
  RedisListener(RedisAddress address, RedisTimeouts timeouts, std::string pattern, OnMessage on_message,
                std::function<void()> on_subscribed);
  // Stops and joins the thread. Must not run on that thread (from a callback).
  ~RedisListener();

  RedisListener(const RedisListener&) = delete;
  RedisListener& operator=(const RedisListener&) = delete;

  // Whether the pattern subscription is in place now.
  bool subscribed() const { return subscribed_; }

 private:
  // A pipe whose read end polls readable once stop() is called.
  class StopSignal {
   public:
    StopSignal();
    ~StopSignal();
    void stop();
    bool stopped() const;
    // Waits up to `timeout` for stop(); true if it came.
    bool wait_for(std::chrono::milliseconds timeout) const;
    int fd() const { return read_fd_; }

   private:
    int read_fd_ = -1;
    int write_fd_ = -1;
  };

  void run(std::function<void()> first_attempt_done);
  // Connects and subscribes; throws Error when either fails.
  RedisConnection subscribe();
  // Hands out messages until stopped (returns) or the connection fails (throws).
  void listen(RedisConnection& connection);
  void handle(const redisReply& reply);

  const RedisAddress address_;
  const RedisTimeouts timeouts_;
  const std::string pattern_;
  const OnMessage on_message_;
  const std::function<void()> on_subscribed_;
  StopSignal stop_;
  std::atomic<bool> subscribed_ = false;
  std::thread thread_;  // last: starts once everything it uses exists
};

}  // namespace soundscripter
