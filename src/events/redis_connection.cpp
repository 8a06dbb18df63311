#include "events/redis_connection.hpp"

#include <poll.h>

#include <cerrno>
#include <vector>

#include "util/error.hpp"

namespace soundscripter {
namespace {

timeval to_timeval(std::chrono::milliseconds duration) {
  return {static_cast<time_t>(duration.count() / 1000),
          static_cast<suseconds_t>(duration.count() % 1000 * 1000)};
}

bool timed_out(const redisContext& context) {
  // Socket timeouts surface as an I/O error with EAGAIN, and hiredis leaves
  // errno as read()/write() set it.
  return context.err == REDIS_ERR_IO && (errno == EAGAIN || errno == EWOULDBLOCK || errno == ETIMEDOUT);
}

}  // namespace

RedisConnection::RedisConnection(std::unique_ptr<redisContext, ContextFree> context, std::string where,
                                 RedisTimeouts timeouts)
    : context_(std::move(context)), where_(std::move(where)), timeouts_(timeouts) {}

RedisConnection RedisConnection::open(const RedisAddress& address, RedisTimeouts timeouts) {
  const std::string where = "redis " + address.describe();
  std::unique_ptr<redisContext, ContextFree> context(
      redisConnectWithTimeout(address.host.c_str(), address.port, to_timeval(timeouts.connect)));
  if (!context) throw Error(ErrorCode::backend_unavailable, where + ": connect: out of memory");
  if (context->err) {
    const ErrorCode code = timed_out(*context) ? ErrorCode::timeout : ErrorCode::backend_unavailable;
    throw Error(code, where + ": connect: " + context->errstr);
  }
  // Commands get their own, usually shorter, timeout; keepalive notices a
  // server that vanished without closing (a pulled cable) within a minute.
  redisSetTimeout(context.get(), to_timeval(timeouts.command));
  redisEnableKeepAlive(context.get());

  RedisConnection connection(std::move(context), where, timeouts);
  if (!address.password.empty()) {
    if (address.username.empty()) {
      connection.command({"AUTH", address.password});
    } else {
      connection.command({"AUTH", address.username, address.password});
    }
  }
  // No SELECT: pub/sub channels are shared by all databases.
  return connection;
}

void RedisConnection::send(std::initializer_list<std::string_view> args) {
  std::vector<const char*> argv;
  std::vector<std::size_t> lengths;
  for (std::string_view arg : args) {
    argv.push_back(arg.data());
    lengths.push_back(arg.size());
  }
  if (redisAppendCommandArgv(context_.get(), static_cast<int>(argv.size()), argv.data(), lengths.data()) !=
      REDIS_OK) {
    fail(*args.begin());
  }
}

RedisReply RedisConnection::next_reply() {
  void* reply = nullptr;
  if (redisGetReply(context_.get(), &reply) != REDIS_OK) fail("read");
  return RedisReply(static_cast<redisReply*>(reply));
}

RedisReply RedisConnection::command(std::initializer_list<std::string_view> args) {
  send(args);
  RedisReply reply = next_reply();
  if (reply->type == REDIS_REPLY_ERROR) {
    throw Error(ErrorCode::backend_unavailable,
                where_ + ": " + std::string(*args.begin()) + ": " + std::string(reply->str, reply->len));
  }
  return reply;
}

RedisReply RedisConnection::buffered_reply() {
  void* reply = nullptr;
  if (redisGetReplyFromReader(context_.get(), &reply) != REDIS_OK) fail("read");
  return RedisReply(static_cast<redisReply*>(reply));
}

void RedisConnection::read_available() {
  if (redisBufferRead(context_.get()) != REDIS_OK) fail("read");
}

bool RedisConnection::closed_while_idle() const {
  pollfd entry{context_->fd, POLLIN, 0};
  return poll(&entry, 1, 0) != 0;  // readable, hung up, or poll itself failed
}

void RedisConnection::fail(std::string_view what) const {
  const ErrorCode code = timed_out(*context_) ? ErrorCode::timeout : ErrorCode::backend_unavailable;
  std::string message = where_ + ": " + std::string(what) + ": " + context_->errstr;
  if (code == ErrorCode::timeout) {
    message += " (no answer within " + std::to_string(timeouts_.command.count()) + " ms)";
  }
  throw Error(code, message);
}

}  // namespace soundscripter
