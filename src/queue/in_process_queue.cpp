// The embedded mode's Queue: a priority queue with aging, in memory.
//
// Effective priorities change as time passes, so a heap ordered at push time
// would go stale. Instead there is one FIFO list per base priority (0..9):
// within a list every job shares the base priority, so the oldest (the
// front) always has the highest effective priority of its list, and pop
// compares only the ten fronts. The rule and the starvation bound it gives
// are documented at make_in_process_queue in queue.hpp.
//
// State lives in a shared_ptr so that a Delivery rejected after the queue
// object is gone (a worker finishing during shutdown) does no harm.
#include <algorithm>
#include <array>
#include <condition_variable>
#include <list>
#include <mutex>
#include <optional>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "queue/queue.hpp"

namespace soundscripter {
namespace {

using Clock = std::chrono::steady_clock;
constexpr int kMaxPriority = 9;

struct Waiting {
  JobTicket ticket;
  std::string key;  // run_key(ticket): a job, or one chunk of one
  int priority = 0;
  Clock::time_point pushed_at;
  std::uint64_t push_order = 0;  // breaks ties between equal push times
  bool redelivered = false;      // put back after a delivery (as AMQP marks it)
};

class QueueState {
 public:
  explicit QueueState(InProcessQueueOptions options) : options_(std::move(options)) {
    if (!options_.clock) options_.clock = [] { return Clock::now(); };
  }

  void push(const JobTicket& ticket) {
    {
      std::lock_guard lock(mutex_);
      if (index_.contains(run_key(ticket))) return;
      JobTicket stored = ticket;
      stored.priority = std::clamp(ticket.priority, 0, kMaxPriority);
      insert_in_order({stored, run_key(ticket), stored.priority, options_.clock(), next_push_order_++});
    }
    ready_.notify_one();
  }

  // Back after `delay` (real time: a retry's backoff, not aging).
  void put_back_later(Waiting item, std::chrono::milliseconds delay) {
    item.redelivered = true;
    {
      std::lock_guard lock(mutex_);
      delayed_.push_back({Clock::now() + delay, std::move(item)});
    }
    ready_.notify_one();
  }

  // A rejected delivery goes back where it was, by its original push order.
  void put_back(Waiting item) {
    item.redelivered = true;
    {
      std::lock_guard lock(mutex_);
      if (index_.contains(item.key)) return;
      insert_in_order(std::move(item));
    }
    ready_.notify_one();
  }

  std::optional<Waiting> pop(std::stop_token stop) {
    std::unique_lock lock(mutex_);
    while (!stop.stop_requested()) {
      release_due_retries();
      if (!index_.empty()) return take_next();
      if (delayed_.empty()) {
        ready_.wait(lock, stop, [&] { return !index_.empty() || !delayed_.empty(); });
      } else {
        ready_.wait_until(lock, stop, next_retry_due(), [&] { return !index_.empty(); });
      }
    }
    return std::nullopt;
  }

  std::int64_t depth() {
    std::lock_guard lock(mutex_);
    return static_cast<std::int64_t>(index_.size());
  }

 private:
  using Level = std::list<Waiting>;

  struct Delayed {
    Clock::time_point due;
    Waiting item;
  };

  // Caller holds the lock.
  void release_due_retries() {
    const auto now = Clock::now();
    for (auto it = delayed_.begin(); it != delayed_.end();) {
      if (it->due <= now) {
        if (!index_.contains(it->item.key)) insert_in_order(std::move(it->item));
        it = delayed_.erase(it);
      } else {
        ++it;
      }
    }
  }

  Clock::time_point next_retry_due() const {
    auto due = delayed_.front().due;
    for (const auto& d : delayed_) due = std::min(due, d.due);
    return due;
  }

  void insert_in_order(Waiting item) {
    Level& level = levels_[static_cast<std::size_t>(item.priority)];
    // New pushes go at the back; only a put-back job (older than most) has
    // to walk, and it stops early since it is old.
    auto position = level.end();
    while (position != level.begin() && std::prev(position)->push_order > item.push_order) {
      --position;
    }
    const std::string key = item.key;
    ++owners_waiting_[static_cast<std::size_t>(item.priority)][item.ticket.owner];
    index_[key] = level.insert(position, std::move(item));
  }

  // Owners (API keys) take turns within a level: its first job of the
  // owner served longest ago goes (oldest first among owners never
  // served), so one key's backlog does not hold back another key's jobs of
  // the same priority. The scan ends once every owner waiting at this
  // level has been seen.
  Level::iterator next_in_turn(Level& level, std::size_t priority) {
    const auto& owners = owners_waiting_[priority];
    auto chosen = level.begin();
    std::uint64_t chosen_served = last_served(chosen->ticket.owner);
    std::unordered_set<std::string_view> seen{chosen->ticket.owner};
    for (auto it = std::next(chosen); it != level.end() && chosen_served > 0 && seen.size() < owners.size(); ++it) {
      if (!seen.insert(it->ticket.owner).second) continue;
      if (const std::uint64_t served = last_served(it->ticket.owner); served < chosen_served) {
        chosen = it;
        chosen_served = served;
      }
    }
    return chosen;
  }

  std::uint64_t last_served(const std::string& owner) const {
    const auto found = last_served_.find(owner);
    return found == last_served_.end() ? 0 : found->second;
  }

  int effective_priority(const Waiting& item, Clock::time_point now) const {
    if (options_.aging_step.count() <= 0) return item.priority;
    const auto steps = (now - item.pushed_at) / options_.aging_step;
    if (steps <= 0) return item.priority;  // a clock that went back gives no credit
    return static_cast<int>(std::min<std::int64_t>(kMaxPriority, item.priority + steps));
  }

  // Caller holds the lock and knows a job is waiting.
  Waiting take_next() {
    const Clock::time_point now = options_.clock();
    Level* best_level = nullptr;
    int best_priority = -1;
    for (Level& level : levels_) {
      if (level.empty()) continue;
      const Waiting& front = level.front();
      const int priority = effective_priority(front, now);
      if (priority > best_priority ||
          (priority == best_priority && front.push_order < best_level->front().push_order)) {
        best_level = &level;
        best_priority = priority;
      }
    }
    const auto priority = static_cast<std::size_t>(best_level - levels_.data());
    const auto chosen = next_in_turn(*best_level, priority);
    Waiting item = std::move(*chosen);
    best_level->erase(chosen);
    index_.erase(item.key);
    auto& owners = owners_waiting_[priority];
    if (--owners[item.ticket.owner] == 0) owners.erase(item.ticket.owner);
    last_served_[item.ticket.owner] = ++serves_;
    return item;
  }

  InProcessQueueOptions options_;
  std::mutex mutex_;
  std::condition_variable_any ready_;
  std::array<Level, kMaxPriority + 1> levels_;
  std::unordered_map<std::string, Level::iterator> index_;  // waiting jobs by id
  std::vector<Delayed> delayed_;                            // retries not due yet
  std::uint64_t next_push_order_ = 0;
  // Per level: how many jobs each owner has waiting there.
  std::array<std::unordered_map<std::string, std::size_t>, kMaxPriority + 1> owners_waiting_;
  std::unordered_map<std::string, std::uint64_t> last_served_;  // owner -> serves_ when last served
  std::uint64_t serves_ = 0;
};

class InProcessDelivery final : public Delivery {
 public:
  InProcessDelivery(std::shared_ptr<QueueState> queue, Waiting item)
      : queue_(std::move(queue)), item_(std::move(item)) {}

  const JobTicket& ticket() const override { return item_.ticket; }
  bool redelivered() const override { return item_.redelivered; }

  void ack() override { settled_ = true; }

  void retry_later(std::chrono::milliseconds delay) override {
    if (settled_) return;
    settled_ = true;
    queue_->put_back_later(item_, delay);
  }

  void reject(bool requeue) override {
    if (settled_) return;
    settled_ = true;
    if (requeue) queue_->put_back(item_);
  }

 private:
  std::shared_ptr<QueueState> queue_;
  Waiting item_;
  bool settled_ = false;  // a second ack or reject changes nothing
};

class InProcessQueue final : public Queue {
 public:
  explicit InProcessQueue(InProcessQueueOptions options)
      : state_(std::make_shared<QueueState>(std::move(options))) {}

  void push(const JobTicket& ticket) override { state_->push(ticket); }

  std::unique_ptr<Delivery> pop(std::stop_token stop) override {
    std::optional<Waiting> item = state_->pop(std::move(stop));
    if (!item) return nullptr;
    return std::make_unique<InProcessDelivery>(state_, std::move(*item));
  }

  std::int64_t depth() override { return state_->depth(); }
  bool healthy() override { return true; }

 private:
  std::shared_ptr<QueueState> state_;
};

}  // namespace

std::unique_ptr<Queue> make_in_process_queue(InProcessQueueOptions options) {
  return std::make_unique<InProcessQueue>(std::move(options));
}

}  // namespace soundscripter
