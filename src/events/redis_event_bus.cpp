// Distributed mode's EventBus: Redis pub/sub, put together from
// - RedisPublisher: PUBLISH soundscripter:jobs:{job} on one shared connection;
// - RedisListener: one PSUBSCRIBE soundscripter:jobs:* per bus, on its own
//   thread, reconnecting forever;
// - LocalSubscribers: this process's subscriptions by job, which the
//   listener's thread calls.
// One pattern subscription per process, rather than one channel
// subscription per watched job, keeps Redis's work independent of how many
// SSE clients a process has and makes a reconnect a single command.
#include <atomic>

#include <spdlog/spdlog.h>

#include "events/event_bus.hpp"
#include "events/redis_event_codec.hpp"
#include "events/redis_listener.hpp"
#include "events/local_subscribers.hpp"
#include "events/redis_publisher.hpp"
#include "events/redis_url.hpp"
#include "util/logging.hpp"

namespace soundscripter {
namespace {

using namespace std::chrono_literals;

// A worker waits for the publisher, so its timeouts are short; the
// listener's thread waits for nobody.
constexpr RedisTimeouts kPublisherTimeouts{.connect = 500ms, .command = 500ms};
constexpr RedisTimeouts kListenerTimeouts{.connect = 1000ms, .command = 1000ms};

// At most this much of a bad message goes into the log.
constexpr std::size_t kLoggedMessageBytes = 200;

class RedisEventBus final : public EventBus {
 public:
  explicit RedisEventBus(const RedisAddress& address)
      : publisher_(address, kPublisherTimeouts),
        listener_(
            address, kListenerTimeouts, all_jobs_channel_pattern(),
            [subscribers = subscribers_](std::string_view channel, std::string_view message) {
              deliver(*subscribers, channel, message);
            },
            [subscribers = subscribers_] { subscribers->deliver_resync(); }) {}

  void publish(const JobEvent& event) override {
    try {
      publisher_.publish(job_channel(event.job), encode_job_event(event));
      if (publish_failing_.exchange(false)) spdlog::info("redis event bus: publishing works again");
    } catch (const std::exception& e) {
      // One warning per outage; the rest at debug, or a down Redis would
      // log a line for every progress event of every job.
      const auto level = publish_failing_.exchange(true) ? spdlog::level::debug : spdlog::level::warn;
      LogContext context({{"job", event.job}});
      spdlog::log(level, "redis event bus: dropped event {} ({}) of job {}; subscribers read it from the store: {}",
                  event.seq, event.type, event.job, e.what());
    }
  }

  std::unique_ptr<Subscription> subscribe(const std::string& job,
                                          std::function<void(const JobEvent&)> on_event) override {
    return subscribers_->add(job, std::move(on_event));
  }

  bool healthy() override { return listener_.subscribed() && publisher_.healthy(); }

 private:
  // On the listener's thread: a message that is not a job event is
  // someone else's mistake, logged and skipped.
  static void deliver(LocalSubscribers& subscribers, std::string_view channel, std::string_view message) {
    JobEvent event;
    try {
      event = decode_job_event(channel, message);
    } catch (const std::exception& e) {
      spdlog::warn("redis event bus: skipped a message: {}: {}{}", e.what(), message.substr(0, kLoggedMessageBytes),
                   message.size() > kLoggedMessageBytes ? "..." : "");
      return;
    }
    subscribers.deliver(event);
  }

  std::shared_ptr<LocalSubscribers> subscribers_ = LocalSubscribers::create();
  std::atomic<bool> publish_failing_ = false;
  RedisPublisher publisher_;
  RedisListener listener_;  // last: its thread stops before the rest goes
};

}  // namespace

std::unique_ptr<EventBus> make_redis_event_bus(const std::string& url) {
  return std::make_unique<RedisEventBus>(parse_redis_url(url));
}

}  // namespace soundscripter
