// Feeds job events to one Server-Sent Events client: replays what the
// client missed from the job store, then follows the live bus, without gaps
// or duplicates.
//
// The order matters: subscribe first and hold live events back, replay
// from the store, then release the held events whose seq is newer than the
// last one replayed. An event published between the replay's query and the
// subscription would otherwise be lost.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "api/http_types.hpp"
#include "events/event_bus.hpp"

namespace soundscripter {

// "id: 7\nevent: progress\ndata: {...}\n\n"; id_prefix "job:" for the
// all-jobs stream.
std::string sse_frame(const JobEvent& event, bool prefix_job_in_id);

class SseFeed : public std::enable_shared_from_this<SseFeed> {
 public:
  struct Options {
    std::string job;            // one job's events; "" = every job the filter admits
    std::int64_t after_seq = 0; // Last-Event-ID, for a one-job feed
    // For the all-jobs feed: whether this client may see the job's events.
    std::function<bool(const std::string& job)> admit;
    bool close_on_terminal = false;  // end the stream after the job's final state
  };

  SseFeed(std::shared_ptr<ResponseWriter> writer, JobStore& store, Options options);

  // Subscribes, sends the stream's header and the replay, then goes live.
  void start(EventBus& bus);

 private:
  void deliver(const JobEvent& event);  // with mutex_ held
  bool is_terminal_state(const JobEvent& event) const;

  std::shared_ptr<ResponseWriter> writer_;
  JobStore& store_;
  Options options_;
  std::mutex mutex_;
  bool replaying_ = true;
  bool done_ = false;
  std::vector<JobEvent> held_;
  std::map<std::string, std::int64_t> last_seq_;  // per job, to drop duplicates
  std::unique_ptr<Subscription> subscription_;
};

}  // namespace soundscripter
