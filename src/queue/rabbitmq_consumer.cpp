// The consumer thread: connect, consume, settle, and reconnect when the
// connection or channel is lost (see rabbitmq_consumer.hpp).
#include "queue/rabbitmq_consumer.hpp"

#include <algorithm>
#include <map>
#include <memory>

#include <spdlog/spdlog.h>

#include "util/error.hpp"

namespace soundscripter::rabbitmq {
namespace {

using namespace std::chrono_literals;

// How long one read waits before the thread looks at its settlements and its
// stop token again: the most an ack waits before it is sent.
constexpr auto kReadTimeout = 50ms;
constexpr auto kFirstBackoff = 100ms;
constexpr auto kMaxBackoff = 5000ms;
// On stop, how long to wait for the broker to confirm retry publishes whose
// originals are not acked yet.
constexpr auto kConfirmGrace = 1000ms;

struct EnvelopeDestroyer {
  void operator()(amqp_envelope_t* envelope) const { amqp_destroy_envelope(envelope); }
};

// One connection's worth of consuming; the next connection is a new Session
// with the next generation.
class Session {
 public:
  Session(const Endpoint& endpoint, const QueueNames& names, const ConsumerSettings& settings,
          std::uint64_t generation, ConsumerMailbox& mailbox)
      : names_(names),
        generation_(generation),
        mailbox_(mailbox),
        connection_(endpoint, ConnectionSettings{settings.heartbeat, settings.timeout,
                                                 "soundscripter consumer of " + names.jobs}) {
    declare_topology(connection_, names_);
    // retry_later publishes on this channel, so that its ack of the
    // original follows the publish in order; confirms say when that is safe.
    connection_.select_confirms();
    amqp_basic_qos(connection_.state(), Connection::kChannel, 0,
                   static_cast<std::uint16_t>(std::clamp(settings.prefetch, 1, 65535)), 0);
    connection_.check_last_rpc("setting prefetch to " + std::to_string(settings.prefetch));
    amqp_basic_consume(connection_.state(), Connection::kChannel, amqp_cstring_bytes(names_.jobs.c_str()),
                       amqp_empty_bytes, /*no_local=*/0, /*no_ack=*/0, /*exclusive=*/0, amqp_empty_table);
    connection_.check_last_rpc("consuming from " + names_.jobs);
  }

  // Consumes until stop is requested; throws when the connection or the
  // channel is lost.
  void run(std::stop_token stop) {
    while (!stop.stop_requested()) {
      carry_out(mailbox_.take_settlements());
      read_once();
    }
    // Acks posted just before the stop still count: a finished job must
    // not be delivered again.
    carry_out(mailbox_.take_settlements());
    await_retry_confirms();
  }

 private:
  void read_once() {
    amqp_connection_state_t state = connection_.state();
    amqp_maybe_release_buffers(state);
    amqp_envelope_t envelope;
    const timeval timeout = to_timeval(kReadTimeout);
    const amqp_rpc_reply_t reply = amqp_consume_message(state, &envelope, &timeout, 0);
    if (reply.reply_type == AMQP_RESPONSE_NORMAL) {
      const std::unique_ptr<amqp_envelope_t, EnvelopeDestroyer> owned(&envelope);  // even if accept throws
      accept(envelope);
      return;
    }
    if (reply.reply_type == AMQP_RESPONSE_LIBRARY_EXCEPTION) {
      if (reply.library_error == AMQP_STATUS_TIMEOUT) return;
      // Something other than a delivery is next (a confirm, a close):
      // amqp_consume_message left it for us to read.
      if (reply.library_error == AMQP_STATUS_UNEXPECTED_STATE) return read_other_frame();
    }
    connection_.check(reply, "consuming from " + names_.jobs);
  }

  void accept(const amqp_envelope_t& envelope) {
    std::string body(as_view(envelope.message.body));
    const MessageProperties properties = read_properties(envelope.message.properties);
    ConsumedMessage message;
    try {
      message.ticket = ticket_from_body(body);
    } catch (const std::exception& error) {
      // A poison message must not block what is behind it, nor come back:
      // it goes to NAME.dead (the queue's dead-letter route) with its reason
      // here in the log.
      spdlog::warn("rabbitmq {}: dead-lettering a message from {} to {}: {}", connection_.endpoint().display,
                   names_.jobs, names_.dead, error.what());
      connection_.check_status(amqp_basic_reject(connection_.state(), Connection::kChannel,
                                                 envelope.delivery_tag, /*requeue=*/0),
                               "rejecting a message that is not a job ticket");
      return;
    }
    message.body = std::move(body);
    message.priority = properties.priority;
    message.redelivered = envelope.redelivered != 0 || properties.marked_redelivered;
    message.delivery_tag = envelope.delivery_tag;
    message.connection_generation = generation_;
    mailbox_.deliver(std::move(message));
  }

  void read_other_frame() {
    const auto frame = connection_.next_frame(kReadTimeout, "consuming from " + names_.jobs);
    if (!frame || frame->frame_type != AMQP_FRAME_METHOD) return;
    const amqp_method_t& method = frame->payload.method;
    if (take_confirm(method)) return;
    switch (method.id) {
      case AMQP_CHANNEL_CLOSE_METHOD:
      case AMQP_CONNECTION_CLOSE_METHOD:
      case AMQP_BASIC_CANCEL_METHOD:
        connection_.fail_closed(method, "consuming from " + names_.jobs);
      default:
        return;
    }
  }

  // A broker's ack or nack of our retry publishes; false for any other method.
  bool take_confirm(const amqp_method_t& method) {
    if (method.id == AMQP_BASIC_ACK_METHOD) {
      const auto* ack = static_cast<const amqp_basic_ack_t*>(method.decoded);
      retry_confirmed(ack->delivery_tag, ack->multiple != 0, true);
      return true;
    }
    if (method.id == AMQP_BASIC_NACK_METHOD) {
      const auto* nack = static_cast<const amqp_basic_nack_t*>(method.decoded);
      retry_confirmed(nack->delivery_tag, nack->multiple != 0, false);
      return true;
    }
    return false;
  }

  void carry_out(const std::vector<Settlement>& settlements) {
    amqp_connection_state_t state = connection_.state();
    for (const Settlement& settlement : settlements) {
      // From an earlier connection: the broker requeued that message when
      // the connection was lost, and its tag now means another message.
      if (settlement.connection_generation != generation_) continue;
      const std::uint64_t tag = settlement.delivery_tag;
      switch (settlement.kind) {
        case Settlement::Kind::ack:
          connection_.check_status(amqp_basic_ack(state, Connection::kChannel, tag, 0), "acking a delivery");
          break;
        case Settlement::Kind::requeue:
        case Settlement::Kind::drop: {
          const bool requeue = settlement.kind == Settlement::Kind::requeue;
          connection_.check_status(amqp_basic_reject(state, Connection::kChannel, tag, requeue),
                                   "rejecting a delivery");
          break;
        }
        case Settlement::Kind::retry_later: {
          // Park a copy in NAME.retry until its TTL sends it back to NAME;
          // the original is acked once the broker confirms the copy.
          const std::uint64_t sequence = connection_.publish(
              names_.retry, {.body = settlement.body,
                             .priority = settlement.priority,
                             .marked_redelivered = true,
                             .expiration = settlement.delay});
          retries_awaiting_confirm_[sequence] = tag;
          break;
        }
      }
    }
  }

  void retry_confirmed(std::uint64_t sequence, bool multiple, bool accepted) {
    auto first = retries_awaiting_confirm_.begin();
    auto last = multiple ? retries_awaiting_confirm_.upper_bound(sequence)
                         : retries_awaiting_confirm_.find(sequence);
    if (!multiple) {
      if (last == retries_awaiting_confirm_.end()) return;
      first = last++;
    }
    for (auto it = first; it != last; ++it) {
      const std::uint64_t original = it->second;
      if (accepted) {
        connection_.check_status(amqp_basic_ack(connection_.state(), Connection::kChannel, original, 0),
                                 "acking a delivery sent to " + names_.retry);
      } else {
        // The broker would not take the copy: requeue the original now
        // rather than lose it.
        spdlog::warn("rabbitmq {}: {} refused a retry; requeueing the job now", connection_.endpoint().display,
                     names_.retry);
        connection_.check_status(amqp_basic_reject(connection_.state(), Connection::kChannel, original, 1),
                                 "requeueing a delivery");
      }
    }
    retries_awaiting_confirm_.erase(first, last);
  }

  // Without the confirm the original stays unacked and returns when the
  // connection closes, beside its copy in NAME.retry: a duplicate. Waiting a
  // moment avoids that in the common case.
  void await_retry_confirms() {
    const auto deadline = std::chrono::steady_clock::now() + kConfirmGrace;
    while (!retries_awaiting_confirm_.empty() && std::chrono::steady_clock::now() < deadline) {
      const auto frame = connection_.next_frame(kReadTimeout, "waiting for retry confirms");
      if (frame && frame->frame_type == AMQP_FRAME_METHOD) take_confirm(frame->payload.method);
    }
  }

  const QueueNames& names_;
  const std::uint64_t generation_;
  ConsumerMailbox& mailbox_;
  Connection connection_;
  std::map<std::uint64_t, std::uint64_t> retries_awaiting_confirm_;  // publish sequence -> original tag
};

void consume_until_stopped(std::stop_token stop, const Endpoint& endpoint, const QueueNames& names,
                           const ConsumerSettings& settings, ConsumerMailbox& mailbox) {
  std::uint64_t generation = 0;
  auto backoff = std::chrono::milliseconds(kFirstBackoff);
  std::string reported;  // the last failure logged, so a long outage logs once
  while (!stop.stop_requested()) {
    try {
      Session session(endpoint, names, settings, ++generation, mailbox);
      mailbox.connected();
      if (!reported.empty()) spdlog::info("rabbitmq {}: consuming from {} again", endpoint.display, names.jobs);
      reported.clear();
      backoff = kFirstBackoff;
      session.run(stop);
    } catch (const std::exception& error) {
      mailbox.lost(error.what());
      if (error.what() != reported) {
        spdlog::warn("{} (reconnecting with backoff up to {} s)", error.what(), kMaxBackoff.count() / 1000);
        reported = error.what();
      }
      mailbox.pause(stop, backoff);
      backoff = std::min(backoff * 2, std::chrono::milliseconds(kMaxBackoff));
    }
  }
}

}  // namespace

Consumer::Consumer(Endpoint endpoint, QueueNames names, ConsumerSettings settings)
    : endpoint_(std::move(endpoint)), names_(std::move(names)), settings_(settings) {}

Consumer::~Consumer() {
  if (thread_.joinable()) {
    thread_.request_stop();
    thread_.join();
  }
  mailbox_->close();
}

std::unique_ptr<Delivery> Consumer::pop(std::stop_token stop) {
  std::call_once(started_, [this] {
    thread_ = std::jthread([this](std::stop_token own_stop) {
      consume_until_stopped(own_stop, endpoint_, names_, settings_, *mailbox_);
    });
  });
  std::optional<ConsumedMessage> message = mailbox_->take(std::move(stop));
  if (!message) return nullptr;
  return make_delivery(mailbox_, std::move(*message));
}

}  // namespace soundscripter::rabbitmq
