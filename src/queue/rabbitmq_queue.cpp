// RabbitQueue: the Queue interface over a Publisher (push, depth, healthy)
// and a Consumer (pop and the deliveries' acks), which have separate
// connections so that a busy consumer never delays a push and vice versa.
#include "queue/rabbitmq_queue.hpp"

#include <algorithm>
#include <mutex>
#include <optional>

#include "queue/rabbitmq_consumer.hpp"
#include "queue/rabbitmq_publisher.hpp"

namespace soundscripter {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

// Connect, login, each RPC, and the wait for a publish confirm: push throws
// rather than block a request for longer.
constexpr auto kTimeout = 3000ms;
// healthy() asks the broker at most this often.
constexpr auto kHealthCacheTime = 1000ms;

class RabbitQueue final : public Queue {
 public:
  explicit RabbitQueue(const RabbitQueueOptions& options)
      : names_(options.name),
        publisher_(rabbitmq::parse_endpoint(options.url), names_, kTimeout),
        consumer_(rabbitmq::parse_endpoint(options.url), names_,
                  {.prefetch = options.prefetch, .heartbeat = options.heartbeat, .timeout = kTimeout}) {}

  void push(const JobTicket& ticket) override {
    JobTicket clamped = ticket;
    clamped.priority = std::clamp(ticket.priority, 0, 9);
    publisher_.publish_job(ticket_to_json(clamped).dump(), clamped.priority);
  }

  std::unique_ptr<Delivery> pop(std::stop_token stop) override { return consumer_.pop(std::move(stop)); }

  std::int64_t depth() override {
    try {
      return publisher_.ready(names_.jobs);
    } catch (const std::exception&) {
      return -1;
    }
  }

  bool healthy() override {
    std::lock_guard lock(health_mutex_);
    const auto now = Clock::now();
    if (!health_checked_at_ || now - *health_checked_at_ >= kHealthCacheTime) {
      healthy_ = publisher_.reachable();
      health_checked_at_ = Clock::now();
    }
    return healthy_;
  }

 private:
  rabbitmq::QueueNames names_;
  rabbitmq::Publisher publisher_;
  rabbitmq::Consumer consumer_;
  std::mutex health_mutex_;
  std::optional<Clock::time_point> health_checked_at_;
  bool healthy_ = false;
};

}  // namespace

std::unique_ptr<Queue> make_rabbitmq_queue(RabbitQueueOptions options) {
  return std::make_unique<RabbitQueue>(options);
}

}  // namespace soundscripter
