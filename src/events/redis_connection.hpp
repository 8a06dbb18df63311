// RedisConnection: one hiredis connection (blocking API) that owns its
// context and turns hiredis failures into Error with the server's address
// in front ("redis 127.0.0.1:6379: PUBLISH: Connection reset by peer").
//
// Timeouts are set on the socket, so no call blocks longer than the
// connect or command timeout; a timeout is ErrorCode::timeout, every other
// failure backend_unavailable. Once a call has failed the connection is
// unusable (hiredis keeps the error) and the owner opens a new one.
#pragma once

#include <chrono>
#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>

#include <hiredis/hiredis.h>

#include "events/redis_url.hpp"

namespace soundscripter {

struct RedisTimeouts {
  std::chrono::milliseconds connect{1000};
  std::chrono::milliseconds command{1000};
};

struct RedisReplyFree {
  void operator()(redisReply* reply) const { freeReplyObject(reply); }
};
using RedisReply = std::unique_ptr<redisReply, RedisReplyFree>;

class RedisConnection {
 public:
  // Connects and authenticates (when the address has a password); throws
  // Error on failure.
  static RedisConnection open(const RedisAddress& address, RedisTimeouts timeouts);

  // Sends a command and waits for its reply. An error reply throws too.
  RedisReply command(std::initializer_list<std::string_view> args);

  // Sends a command without waiting: for PSUBSCRIBE, whose replies are a stream.
  void send(std::initializer_list<std::string_view> args);
  // Waits (up to the command timeout) for the next reply.
  RedisReply next_reply();
  // The next reply already read from the socket, or null: never blocks.
  RedisReply buffered_reply();
  // Reads what has arrived on the socket; call when poll() says readable.
  // Throws when the server closed the connection.
  void read_available();

  // For poll().
  int fd() const { return context_->fd; }
  // An idle connection that polls readable has been closed by the server
  // (Redis sends nothing unasked outside pub/sub): true then.
  bool closed_while_idle() const;

 private:
  struct ContextFree {
    void operator()(redisContext* context) const { redisFree(context); }
  };

  RedisConnection(std::unique_ptr<redisContext, ContextFree> context, std::string where,
                  RedisTimeouts timeouts);
  // The context's error as an Error, with `what` ("PUBLISH", "read") in front.
  [[noreturn]] void fail(std::string_view what) const;

  std::unique_ptr<redisContext, ContextFree> context_;
  std::string where_;  // "redis host:port"
  RedisTimeouts timeouts_;
};

}  // namespace soundscripter
