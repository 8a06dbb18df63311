// RAII over rabbitmq-c: one AMQP connection with one channel, and every
// failure turned into an Error.
//
// rabbitmq-c reports failures three ways (a status int, an rpc reply that is
// a library error, or the broker closing the channel or connection with a
// code and text); this layer folds them into one message shape:
//   rabbitmq amqp://host:port/vhost: <what we were doing>: <cause>
// with code backend_unavailable, and never shows the password. After any
// failure the connection is marked broken: rabbitmq-c leaves it in an
// unknown state (a half-read frame, a closed channel), so the owner drops it
// and opens a new one rather than trying to repair it.
//
// A Connection is not thread-safe (neither is rabbitmq-c's state): one
// thread, or one mutex, per connection.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <amqp.h>
#include <sys/time.h>

#include "queue/rabbitmq_message.hpp"

namespace soundscripter::rabbitmq {

// Where the broker is, parsed from amqp://user:pass@host:port/vhost.
struct Endpoint {
  std::string host;
  int port = 5672;
  std::string vhost = "/";
  std::string user = "guest";
  std::string password = "guest";
  std::string display;  // amqp://host:port/vhost: for messages, without credentials
};

// Throws Error(invalid_argument) naming the URL without its password. An
// empty vhost ("amqp://host:5672/") means RabbitMQ's default vhost "/", as in
// most clients; amqps:// is refused (no TLS support yet).
Endpoint parse_endpoint(const std::string& url);

struct ConnectionSettings {
  // AMQP heartbeat; zero turns it off. rabbitmq-c only sends and checks
  // heartbeats while a call is waiting on the socket, so only a connection
  // that is read continuously (the consumer's) should ask for them.
  std::chrono::seconds heartbeat{0};
  // Bounds the TCP connect, the login handshake and each RPC, so a broker
  // that accepts and then hangs cannot block a caller for long.
  std::chrono::milliseconds timeout{3000};
  // Shown by the broker (rabbitmqctl list_connections name) to tell our
  // connections apart.
  std::string name = "soundscripter";
};

timeval to_timeval(std::chrono::milliseconds duration);

class Connection {
 public:
  static constexpr amqp_channel_t kChannel = 1;

  // Connects, logs in and opens channel 1; throws Error(backend_unavailable).
  Connection(Endpoint endpoint, ConnectionSettings settings);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  amqp_connection_state_t state() const { return state_; }
  const Endpoint& endpoint() const { return endpoint_; }
  bool broken() const { return broken_; }

  // Throws Error(backend_unavailable, "rabbitmq <url>: <what>: <cause>")
  // and marks the connection broken.
  [[noreturn]] void fail(std::string_view what, std::string_view cause);
  // Throws unless `reply` (of an RPC, or amqp_get_rpc_reply) is normal.
  void check(amqp_rpc_reply_t reply, std::string_view what);
  // Throws unless the last RPC (amqp_queue_declare and the like) succeeded.
  void check_last_rpc(std::string_view what) { check(amqp_get_rpc_reply(state_), what); }
  void check_status(int status, std::string_view what);
  // Throws with the broker's reason for a channel.close, connection.close
  // or basic.cancel frame.
  [[noreturn]] void fail_closed(const amqp_method_t& method, std::string_view what);

  // Puts the channel in confirm mode: from now on every publish is counted
  // and the broker acks (or nacks) it by that number.
  void select_confirms();
  // Publishes to `queue` through the default exchange, persistent. Returns
  // the publish's sequence number when confirms are on, else 0.
  std::uint64_t publish(std::string_view queue, const OutgoingMessage& message);
  // Waits for the broker's ack of publish `sequence`: true when a queue took
  // it, false when the broker returned it (mandatory, and no queue). A nack,
  // a close or no answer within `timeout` throws. Only for a channel with
  // one publish in flight that receives nothing else (not a consumer's).
  bool wait_for_confirm(std::uint64_t sequence, std::chrono::milliseconds timeout);

  // The next frame, or nothing once `timeout` passes (zero: only what has
  // arrived already). Heartbeats are answered inside. Throws when the
  // socket fails.
  std::optional<amqp_frame_t> next_frame(std::chrono::milliseconds timeout, std::string_view what);
  // True while the broker has not closed the connection or the channel,
  // judged from what has arrived (a broker that went away politely has
  // sent a close and a FIN). Reads without waiting; never throws.
  bool still_open();

 private:
  void open(ConnectionSettings settings);
  void close_politely();

  Endpoint endpoint_;
  amqp_connection_state_t state_;
  bool broken_ = false;
  bool confirms_ = false;
  std::uint64_t last_publish_sequence_ = 0;
};

}  // namespace soundscripter::rabbitmq
