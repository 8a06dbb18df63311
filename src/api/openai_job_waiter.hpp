// Answers an OpenAI-style request once its job, queued like any other,
// has finished: the synchronous API on top of the asynchronous queue, so a
// waiting request holds a connection and a subscription but no thread.
//
// The job's events come through EventReplay, as SSE streams get theirs:
// its stored history (it may have finished already), then live events,
// without gaps. The terminal state answers, exactly once. A client that
// goes away before the answer abandons its job (on_abandoned cancels it).
//
// With stream=true each segment event becomes a transcript.text.delta and
// the end a transcript.text.done (or an error event); otherwise the one
// answer is the finished transcript in the requested response_format, or
// an OpenAI-style error.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "api/http_types.hpp"
#include "api/openai_format.hpp"
#include "api/event_replay.hpp"
#include "events/event_bus.hpp"

namespace soundscripter {

class OpenAiJobWaiter : public std::enable_shared_from_this<OpenAiJobWaiter> {
 public:
  struct Options {
    std::string job;
    OpenAiAnswerOptions answer;
    bool stream = false;
    // Called once when the client disconnects before the job ended.
    std::function<void(const std::string& job)> on_abandoned;
  };

  OpenAiJobWaiter(std::shared_ptr<ResponseWriter> writer, JobStore& store, Options options);

  // Subscribes, replays, and answers now if the job is over already. The
  // connection keeps the waiter alive until it closes.
  void start(EventBus& bus);

 private:
  // All with the replay's lock held; handle returns false once answered.
  bool handle(const JobEvent& event);
  void on_segment(const JobEvent& event);
  void on_state(const std::string& state, const JobEvent& event);
  void answer_completed();
  void answer_error(int status, const std::string& code, const std::string& message);

  std::shared_ptr<ResponseWriter> writer_;
  JobStore& store_;
  Options options_;
  std::shared_ptr<EventReplay> replay_;
  std::atomic<bool> answered_{false};
  bool sent_delta_ = false;
  std::atomic<bool> saw_event_{false};
  std::string error_code_;     // from the job's error event, for its failed state
  std::string error_message_;
};

}  // namespace soundscripter
