// The consumer thread's mailbox and the deliveries that post into it; see
// rabbitmq_mailbox.hpp.
#include "queue/rabbitmq_mailbox.hpp"

#include "util/error.hpp"

namespace soundscripter::rabbitmq {
namespace {

class RabbitDelivery final : public Delivery {
 public:
  RabbitDelivery(std::shared_ptr<ConsumerMailbox> mailbox, ConsumedMessage message)
      : mailbox_(std::move(mailbox)), message_(std::move(message)) {}

  const JobTicket& ticket() const override { return message_.ticket; }
  bool redelivered() const override { return message_.redelivered; }

  void ack() override { settle(Settlement::Kind::ack); }
  void reject(bool requeue) override { settle(requeue ? Settlement::Kind::requeue : Settlement::Kind::drop); }
  void retry_later(std::chrono::milliseconds delay) override { settle(Settlement::Kind::retry_later, delay); }

 private:
  void settle(Settlement::Kind kind, std::chrono::milliseconds delay = {}) {
    if (settled_) return;
    settled_ = true;
    Settlement settlement;
    settlement.kind = kind;
    settlement.delivery_tag = message_.delivery_tag;
    settlement.connection_generation = message_.connection_generation;
    if (kind == Settlement::Kind::retry_later) {
      settlement.delay = delay;
      settlement.body = message_.body;
      settlement.priority = message_.priority;
    }
    mailbox_->settle(std::move(settlement));
  }

  std::shared_ptr<ConsumerMailbox> mailbox_;
  ConsumedMessage message_;
  bool settled_ = false;
};

}  // namespace

void ConsumerMailbox::connected() {
  {
    std::lock_guard lock(mutex_);
    state_ = State::consuming;
    last_error_.clear();
  }
  changed_.notify_all();
}

void ConsumerMailbox::lost(const std::string& reason) {
  {
    std::lock_guard lock(mutex_);
    state_ = State::down;
    last_error_ = reason;
    buffer_.clear();
  }
  changed_.notify_all();
}

void ConsumerMailbox::deliver(ConsumedMessage message) {
  {
    std::lock_guard lock(mutex_);
    buffer_.push_back(std::move(message));
  }
  changed_.notify_one();
}

std::vector<Settlement> ConsumerMailbox::take_settlements() {
  std::lock_guard lock(mutex_);
  return std::exchange(settlements_, {});
}

void ConsumerMailbox::pause(std::stop_token stop, std::chrono::milliseconds how_long) {
  std::unique_lock lock(mutex_);
  changed_.wait_for(lock, stop, how_long, [] { return false; });
}

void ConsumerMailbox::close() {
  {
    std::lock_guard lock(mutex_);
    closed_ = true;
    buffer_.clear();
    settlements_.clear();
  }
  changed_.notify_all();
}

std::optional<ConsumedMessage> ConsumerMailbox::take(std::stop_token stop) {
  std::unique_lock lock(mutex_);
  changed_.wait(lock, stop, [&] { return closed_ || !buffer_.empty() || state_ == State::down; });
  if (stop.stop_requested() || closed_) return std::nullopt;
  if (buffer_.empty()) throw Error(ErrorCode::backend_unavailable, last_error_);
  ConsumedMessage message = std::move(buffer_.front());
  buffer_.pop_front();
  return message;
}

void ConsumerMailbox::settle(Settlement settlement) {
  std::lock_guard lock(mutex_);
  if (!closed_) settlements_.push_back(std::move(settlement));
}

std::unique_ptr<Delivery> make_delivery(std::shared_ptr<ConsumerMailbox> mailbox, ConsumedMessage message) {
  return std::make_unique<RabbitDelivery>(std::move(mailbox), std::move(message));
}

}  // namespace soundscripter::rabbitmq
