// The gap-free way to follow job events, shared by the SSE streams and the
// synchronous OpenAI endpoint: what a client missed comes from the store,
// what happens next from the bus, each event once and in seq order per job.
//
// The order matters: subscribe first and hold live events back, read the
// history from the store, then release the held events newer than the last
// one read. An event published between the read and the subscription would
// otherwise be lost. Live events can also arrive out of order or not at all
// (several processes publish one job's events; Redis drops what it could
// not deliver while disconnected), so a gap in a job's seq, or a resync
// from the bus, is filled from the store, which has every event.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "events/event_bus.hpp"

namespace soundscripter {

class EventReplay : public std::enable_shared_from_this<EventReplay> {
 public:
  struct Options {
    std::string job;              // one job's events; "" = every job `admit` lets through
    std::int64_t after_seq = 0;   // one job: what the client has seen (Last-Event-ID)
    // Every-job feeds: whether this client may see the job's events.
    std::function<bool(const std::string& job)> admit;
    // Every-job feeds: replay the events after this position (that of the
    // last event the client saw, JobStore::event_position) first.
    std::optional<std::int64_t> after_position;
  };
  // At most this many events are replayed on an every-job feed; a client
  // further behind reads the job list instead.
  static constexpr int kMaxPositionReplay = 10000;
  // Gets each event once, in seq order per job, with the replay's lock
  // held (so it must not block). Returns false when it wants no more.
  using Sink = std::function<bool(const JobEvent& event)>;

  EventReplay(JobStore& store, Options options, Sink sink);

  // Subscribes, replays the history, then follows the bus. Reads the store.
  void start(EventBus& bus);
  // No more events; the subscription is released. Not from inside the sink
  // (return false there instead).
  void stop();
  // The last seq delivered for the one job (0 when none).
  std::int64_t last_seq() const;

 private:
  void on_live(const JobEvent& event);
  // All with mutex_ held.
  void deliver(const JobEvent& event);
  void fill_from_store(const std::string& job);
  void resync(const std::string& job);
  std::unique_ptr<Subscription> finish_locked();

  JobStore& store_;
  Options options_;
  Sink sink_;
  mutable std::mutex mutex_;
  bool replaying_ = true;
  bool done_ = false;
  std::vector<JobEvent> held_;
  std::map<std::string, std::int64_t> last_seq_;  // per job, to drop duplicates and see gaps
  std::unique_ptr<Subscription> subscription_;
};

}  // namespace soundscripter
