// Feeds job events to one Server-Sent Events client: what it missed and
// then what happens, through EventReplay (no gaps, no duplicates), each
// event as one SSE frame.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "api/http_types.hpp"
#include "api/event_replay.hpp"
#include "events/event_bus.hpp"

namespace soundscripter {

// "id: 7\nevent: progress\ndata: {...}\n\n"; id_prefix "job:" for the
// all-jobs stream.
std::string sse_frame(const JobEvent& event, bool prefix_job_in_id);

class SseFeed : public std::enable_shared_from_this<SseFeed> {
 public:
  struct Options {
    EventReplay::Options replay;
    bool close_on_terminal = false;  // end the stream after the job's final state
  };

  SseFeed(std::shared_ptr<ResponseWriter> writer, JobStore& store, Options options);

  // Sends the stream's header, the replay, then live events.
  void start(EventBus& bus);

 private:
  bool send(const JobEvent& event);  // false: the stream is over

  std::shared_ptr<ResponseWriter> writer_;
  JobStore& store_;
  Options options_;
  std::shared_ptr<EventReplay> replay_;
};

}  // namespace soundscripter
