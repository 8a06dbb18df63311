// Distributed mode's EventBus: Redis pub/sub, put together from
// - RedisPublisher: PUBLISH soundscripter:jobs:{job} on one shared connection,
//   with a backlog for events published while Redis is away;
// - RedisListener: one PSUBSCRIBE soundscripter:jobs:* per bus, on its own
//   thread, reconnecting forever;
// - LocalSubscribers: this process's subscriptions by job, which the
//   listener's thread calls.
// One pattern subscription per process, rather than one channel
// subscription per watched job, keeps Redis's work independent of how many
// SSE clients a process has and makes a reconnect a single command.
#include <deque>
#include <mutex>

#include <spdlog/spdlog.h>

#include "events/event_bus.hpp"
#include "events/redis_event_codec.hpp"
#include "events/redis_listener.hpp"
#include "events/local_subscribers.hpp"
#include "events/redis_publisher.hpp"
#include "events/redis_url.hpp"
#include "util/logging.hpp"
#include "util/periodic_task.hpp"

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

  // An event that cannot be sent now (Redis restarting) waits in a backlog
  // and goes out, in order, once Redis answers: a subscriber that missed
  // the last event of a job would otherwise wait for it forever, since no
  // later event would show it the gap. Subscribers drop duplicates by seq.
  void publish(const JobEvent& event) override {
    std::lock_guard lock(backlog_mutex_);
    if (backlog_.size() >= kMaxBacklog) {
      backlog_.pop_front();
      if (!backlog_overflowed_) {
        backlog_overflowed_ = true;
        spdlog::warn("redis event bus: more than {} events wait for Redis; dropping the oldest (subscribers "
                     "read them from the store)", kMaxBacklog);
      }
    }
    backlog_.emplace_back(event.job, job_channel(event.job), encode_job_event(event));
    flush_locked();
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

  struct Pending {
    std::string job;
    std::string channel;
    std::string message;
  };

  // Sends what waits, oldest first, until one fails. Caller holds
  // backlog_mutex_. Only while this bus's own listener is subscribed: right
  // after a Redis restart, events sent before the listeners are back would
  // reach nobody; held until then, they reach every listener that is back,
  // and one that comes back later reads them from the store on its resync.
  void flush_locked() {
    if (!listener_.subscribed()) return;
    while (!backlog_.empty()) {
      const Pending& next = backlog_.front();
      try {
        publisher_.publish(next.channel, next.message);
      } catch (const std::exception& e) {
        // One warning per outage; the rest at debug, or a down Redis would
        // log a line for every progress event of every job.
        const auto level = publish_failing_ ? spdlog::level::debug : spdlog::level::warn;
        publish_failing_ = true;
        LogContext context({{"job", next.job}});
        spdlog::log(level, "redis event bus: {} events wait for Redis: {}", backlog_.size(), e.what());
        return;
      }
      backlog_.pop_front();
      if (publish_failing_) {
        publish_failing_ = false;
        backlog_overflowed_ = false;
        spdlog::info("redis event bus: publishing works again");
      }
    }
  }

  void flush() {
    std::lock_guard lock(backlog_mutex_);
    flush_locked();
  }

  static constexpr std::size_t kMaxBacklog = 100000;

  std::shared_ptr<LocalSubscribers> subscribers_ = LocalSubscribers::create();
  std::mutex backlog_mutex_;
  std::deque<Pending> backlog_;
  bool publish_failing_ = false;
  bool backlog_overflowed_ = false;
  RedisPublisher publisher_;
  RedisListener listener_;
  // Last: stopped first. Sends the backlog when no new event comes to do it.
  PeriodicTask backlog_flusher_{"redis backlog", std::chrono::milliseconds(250), [this] { flush(); }};
};

}  // namespace

std::unique_ptr<EventBus> make_redis_event_bus(const std::string& url) {
  return std::make_unique<RedisEventBus>(parse_redis_url(url));
}

}  // namespace soundscripter
