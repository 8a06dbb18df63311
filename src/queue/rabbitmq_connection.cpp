// rabbitmq-c's three kinds of failure turned into Errors, connection set-up
// with bounded waits, and publishing with confirms (rabbitmq-c 0.11 has no
// confirm helper, so the ack frames are read here).
#include "queue/rabbitmq_connection.hpp"

#include <amqp_tcp_socket.h>
#include <sys/time.h>

#include <algorithm>
#include <vector>

#include "queue/rabbitmq_tcp.hpp"
#include "util/error.hpp"

namespace soundscripter::rabbitmq {
namespace {

using namespace std::chrono_literals;

amqp_bytes_t bytes(std::string_view text) {
  return {text.size(), const_cast<char*>(text.data())};
}

// amqp://user:***@host/...: what a bad URL may show of itself.
std::string redacted(const std::string& url) {
  const auto scheme_end = url.find("://");
  const auto at = url.rfind('@');
  if (scheme_end == std::string::npos || at == std::string::npos || at < scheme_end) return url;
  const auto colon = url.find(':', scheme_end + 3);
  if (colon == std::string::npos || colon > at) return url;
  return url.substr(0, colon + 1) + "***" + url.substr(at);
}

amqp_table_entry_t text_entry(const char* key, const std::string& value) {
  amqp_table_entry_t entry{};
  entry.key = amqp_cstring_bytes(key);
  entry.value.kind = AMQP_FIELD_KIND_UTF8;
  entry.value.value.bytes = bytes(value);
  return entry;
}

amqp_table_entry_t true_entry(const char* key) {
  amqp_table_entry_t entry{};
  entry.key = amqp_cstring_bytes(key);
  entry.value.kind = AMQP_FIELD_KIND_BOOLEAN;
  entry.value.value.boolean = 1;
  return entry;
}

}  // namespace

timeval to_timeval(std::chrono::milliseconds duration) {
  const auto ms = std::max<std::int64_t>(0, duration.count());
  return {static_cast<time_t>(ms / 1000), static_cast<suseconds_t>((ms % 1000) * 1000)};
}

Endpoint parse_endpoint(const std::string& url) {
  // amqp_parse_url cuts the string it is given into pieces in place.
  std::vector<char> buffer(url.begin(), url.end());
  buffer.push_back('\0');
  amqp_connection_info info;
  amqp_default_connection_info(&info);
  if (amqp_parse_url(buffer.data(), &info) != AMQP_STATUS_OK) {
    throw Error(ErrorCode::invalid_argument,
                "rabbitmq: '" + redacted(url) + "' is not an amqp://user:password@host:port/vhost URL");
  }
  if (info.ssl) {
    throw Error(ErrorCode::invalid_argument,
                "rabbitmq: '" + redacted(url) + "': amqps (TLS) is not supported yet");
  }
  Endpoint endpoint;
  endpoint.host = info.host;
  endpoint.port = info.port;
  endpoint.vhost = *info.vhost ? info.vhost : "/";
  endpoint.user = info.user;
  endpoint.password = info.password;
  endpoint.display = "amqp://" + endpoint.host + ":" + std::to_string(endpoint.port) + "/" +
                     (endpoint.vhost == "/" ? "" : endpoint.vhost);
  return endpoint;
}

Connection::Connection(Endpoint endpoint, ConnectionSettings settings)
    : endpoint_(std::move(endpoint)), state_(amqp_new_connection()) {
  if (!state_) throw Error(ErrorCode::internal, "rabbitmq: out of memory for a connection");
  try {
    open(settings);
  } catch (...) {
    amqp_destroy_connection(state_);
    throw;
  }
}

Connection::~Connection() {
  close_politely();
  amqp_destroy_connection(state_);
}

void Connection::open(ConnectionSettings settings) {
  amqp_socket_t* socket = amqp_tcp_socket_new(state_);  // owned by state_
  if (!socket) fail("connecting", "cannot create a socket");
  const TcpConnectResult tcp = connect_tcp(endpoint_.host, endpoint_.port, settings.timeout);
  if (tcp.fd < 0) fail("connecting", tcp.error);
  amqp_tcp_socket_set_sockfd(socket, tcp.fd);  // closed with state_ from now on
  const timeval timeout = to_timeval(settings.timeout);
  amqp_set_handshake_timeout(state_, &timeout);
  amqp_set_rpc_timeout(state_, &timeout);
  // consumer_cancel_notify: a consumer whose queue is deleted is told so
  // (basic.cancel) and reconnects, declaring the queue again, instead of
  // waiting forever on a queue that is gone. rabbitmq-c adds its own
  // capabilities to these.
  amqp_table_entry_t capabilities[] = {true_entry("consumer_cancel_notify")};
  amqp_table_entry_t properties[] = {text_entry("connection_name", settings.name), {}};
  properties[1].key = amqp_cstring_bytes("capabilities");
  properties[1].value.kind = AMQP_FIELD_KIND_TABLE;
  properties[1].value.value.table = {1, capabilities};
  const amqp_table_t client_properties{2, properties};
  check(amqp_login_with_properties(state_, endpoint_.vhost.c_str(), 0, AMQP_DEFAULT_FRAME_SIZE,
                                   static_cast<int>(settings.heartbeat.count()), &client_properties,
                                   AMQP_SASL_METHOD_PLAIN, endpoint_.user.c_str(), endpoint_.password.c_str()),
        "logging in as '" + endpoint_.user + "'");
  amqp_channel_open(state_, kChannel);
  check_last_rpc("opening a channel");
}

// Tells the broker we are going, so it requeues our unacked deliveries at
// once and logs no "client closed the connection unexpectedly". Skipped when
// the connection has failed: the broker has noticed or soon will.
void Connection::close_politely() {
  if (broken_) return;
  const timeval short_wait = to_timeval(1s);
  amqp_set_rpc_timeout(state_, &short_wait);
  amqp_channel_close(state_, kChannel, AMQP_REPLY_SUCCESS);
  amqp_connection_close(state_, AMQP_REPLY_SUCCESS);
}

void Connection::fail(std::string_view what, std::string_view cause) {
  broken_ = true;
  throw Error(ErrorCode::backend_unavailable,
              "rabbitmq " + endpoint_.display + ": " + std::string(what) + ": " + std::string(cause));
}

void Connection::check(amqp_rpc_reply_t reply, std::string_view what) {
  switch (reply.reply_type) {
    case AMQP_RESPONSE_NORMAL:
      return;
    case AMQP_RESPONSE_LIBRARY_EXCEPTION:
      fail(what, amqp_error_string2(reply.library_error));
    case AMQP_RESPONSE_SERVER_EXCEPTION:
      fail_closed(reply.reply, what);
    case AMQP_RESPONSE_NONE:
      break;
  }
  fail(what, "no reply from rabbitmq-c");
}

void Connection::check_status(int status, std::string_view what) {
  if (status != AMQP_STATUS_OK) fail(what, amqp_error_string2(status));
}

void Connection::fail_closed(const amqp_method_t& method, std::string_view what) {
  switch (method.id) {
    case AMQP_CONNECTION_CLOSE_METHOD: {
      const auto* close = static_cast<const amqp_connection_close_t*>(method.decoded);
      fail(what, "the broker closed the connection: " + std::string(as_view(close->reply_text)));
    }
    case AMQP_CHANNEL_CLOSE_METHOD: {
      const auto* close = static_cast<const amqp_channel_close_t*>(method.decoded);
      fail(what, "the broker closed the channel: " + std::string(as_view(close->reply_text)));
    }
    case AMQP_BASIC_CANCEL_METHOD:
      fail(what, "the broker cancelled the consumer (was the queue deleted?)");
    default:
      fail(what, std::string("unexpected ") + amqp_method_name(method.id));
  }
}

void Connection::select_confirms() {
  amqp_confirm_select(state_, kChannel);
  check_last_rpc("turning on publisher confirms");
  confirms_ = true;
  last_publish_sequence_ = 0;
}

std::uint64_t Connection::publish(std::string_view queue, const OutgoingMessage& message) {
  amqp_basic_properties_t properties{};
  properties._flags = AMQP_BASIC_CONTENT_TYPE_FLAG | AMQP_BASIC_DELIVERY_MODE_FLAG | AMQP_BASIC_PRIORITY_FLAG;
  properties.content_type = bytes("application/json");
  properties.delivery_mode = AMQP_DELIVERY_PERSISTENT;
  properties.priority = static_cast<uint8_t>(std::clamp(message.priority, 0, 9));
  std::string expiration;  // milliseconds, as a string: AMQP says so
  if (message.expiration) {
    expiration = std::to_string(std::max<std::int64_t>(0, message.expiration->count()));
    properties._flags |= AMQP_BASIC_EXPIRATION_FLAG;
    properties.expiration = bytes(expiration);
  }
  amqp_table_entry_t mark{};
  if (message.marked_redelivered) {
    mark.key = bytes(kRedeliveredHeader);
    mark.value.kind = AMQP_FIELD_KIND_BOOLEAN;
    mark.value.value.boolean = 1;
    properties._flags |= AMQP_BASIC_HEADERS_FLAG;
    properties.headers = {1, &mark};
  }
  const int status = amqp_basic_publish(state_, kChannel, amqp_empty_bytes, bytes(queue), message.mandatory,
                                        /*immediate=*/0, &properties, bytes(message.body));
  check_status(status, "publishing to " + std::string(queue));
  return confirms_ ? ++last_publish_sequence_ : 0;
}

bool Connection::wait_for_confirm(std::uint64_t sequence, std::chrono::milliseconds timeout) {
  constexpr std::string_view what = "waiting for the broker to confirm a publish";
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  bool returned = false;  // a basic.return comes before the ack of the same message
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left <= 0ms) fail(what, "no confirm within " + std::to_string(timeout.count()) + " ms");
    const auto frame = next_frame(left, what);
    if (!frame || frame->frame_type != AMQP_FRAME_METHOD) continue;  // a returned message's content
    const amqp_method_t& method = frame->payload.method;
    switch (method.id) {
      case AMQP_BASIC_RETURN_METHOD:
        returned = true;
        break;
      case AMQP_BASIC_ACK_METHOD: {
        const auto* ack = static_cast<const amqp_basic_ack_t*>(method.decoded);
        if (ack->delivery_tag == sequence || (ack->multiple && ack->delivery_tag > sequence)) return !returned;
        break;
      }
      case AMQP_BASIC_NACK_METHOD: {
        const auto* nack = static_cast<const amqp_basic_nack_t*>(method.decoded);
        if (nack->delivery_tag == sequence || (nack->multiple && nack->delivery_tag > sequence)) {
          fail(what, "the broker refused the message (nack)");
        }
        break;
      }
      case AMQP_CHANNEL_CLOSE_METHOD:
      case AMQP_CONNECTION_CLOSE_METHOD:
        fail_closed(method, what);
      default:
        break;
    }
  }
}

std::optional<amqp_frame_t> Connection::next_frame(std::chrono::milliseconds timeout, std::string_view what) {
  amqp_frame_t frame;
  const timeval wait = to_timeval(timeout);
  const int status = amqp_simple_wait_frame_noblock(state_, &frame, &wait);
  if (status == AMQP_STATUS_TIMEOUT) return std::nullopt;
  check_status(status, what);
  return frame;
}

bool Connection::still_open() {
  if (broken_) return false;
  try {
    // Only an idle publisher channel asks this, so anything waiting is a
    // close, a stray confirm, or nothing; a handful of reads settles it.
    for (int i = 0; i < 16; ++i) {
      amqp_maybe_release_buffers(state_);
      const auto frame = next_frame(0ms, "checking the connection");
      if (!frame) return true;
      if (frame->frame_type == AMQP_FRAME_METHOD &&
          (frame->payload.method.id == AMQP_CHANNEL_CLOSE_METHOD ||
           frame->payload.method.id == AMQP_CONNECTION_CLOSE_METHOD)) {
        broken_ = true;
        return false;
      }
    }
    return true;
  } catch (const std::exception&) {
    return false;  // next_frame marked it broken
  }
}

}  // namespace soundscripter::rabbitmq
