// Answers an OpenAI-style request once its job, queued like any other,
// has finished: the synchronous API on top of the asynchronous queue, so a
// waiting request holds a connection and a subscription but no thread.
//
// Lost wake-ups are avoided the way SseFeed avoids gaps: subscribe to the
// bus first and hold live events back, replay the job's stored history
// (it may have finished already), then release the held events newer than
// the last one replayed. Whichever path sees the terminal state answers,
// exactly once.
//
// With stream=true each segment event becomes a transcript.text.delta and
// the end a transcript.text.done (or an error event); otherwise the one
// answer is the finished transcript in the requested response_format, or
// an OpenAI-style error.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "api/http_types.hpp"
#include "api/openai_format.hpp"
#include "events/event_bus.hpp"

namespace soundscripter {

class OpenAiJobWaiter : public std::enable_shared_from_this<OpenAiJobWaiter> {
 public:
  struct Options {
    std::string job;
    OpenAiAnswerOptions answer;
    bool stream = false;
  };

  OpenAiJobWaiter(std::shared_ptr<ResponseWriter> writer, JobStore& store, Options options);

  // Subscribes, replays, and answers now if the job is over already. The
  // connection keeps the waiter alive until it closes.
  void start(EventBus& bus);

 private:
  // All with mutex_ held.
  void handle(const JobEvent& event);
  void on_segment(const JobEvent& event);
  void on_state(const std::string& state, const JobEvent& event);
  void answer_completed();
  void answer_error(int status, const std::string& code, const std::string& message);
  void answer_if_gone();

  std::shared_ptr<ResponseWriter> writer_;
  JobStore& store_;
  Options options_;
  std::mutex mutex_;
  bool replaying_ = true;
  bool answered_ = false;
  bool sent_delta_ = false;
  std::int64_t last_seq_ = 0;
  std::vector<JobEvent> held_;
  std::string error_code_;     // from the job's error event, for its failed state
  std::string error_message_;
  // Dropped once answered, so a finished request stops receiving events.
  std::unique_ptr<Subscription> subscription_;
};

}  // namespace soundscripter
