// The synchronous wait for one job (see openai_job_waiter.hpp for the order
// that avoids lost wake-ups).
#include "api/openai_job_waiter.hpp"

#include <chrono>
#include <optional>

#include <spdlog/spdlog.h>

namespace soundscripter {

OpenAiJobWaiter::OpenAiJobWaiter(std::shared_ptr<ResponseWriter> writer, JobStore& store,
                                 Options options)
    : writer_(std::move(writer)), store_(store), options_(std::move(options)) {}

void OpenAiJobWaiter::start(EventBus& bus) {
  std::weak_ptr<OpenAiJobWaiter> weak = weak_from_this();
  replay_ = std::make_shared<EventReplay>(store_, EventReplay::Options{options_.job, 0, {}, std::nullopt},
                                          [weak](const JobEvent& event) {
                                            auto self = weak.lock();
                                            return self && self->handle(event);
                                          });
  if (options_.stream) {
    writer_->start_stream(200, "text/event-stream", {{"X-Accel-Buffering", "no"}});
    // Comments, which both official SDKs skip, keep proxies from closing a
    // stream that waits in the queue for minutes.
    writer_->set_heartbeat(std::chrono::seconds(15), ": keep-alive\n\n");
  }
  writer_->on_close([self = shared_from_this()] {
    self->replay_->stop();
    // Nobody is left to answer: a job nobody waits for is cancelled.
    if (!self->answered_.exchange(true) && self->options_.on_abandoned) {
      try {
        self->options_.on_abandoned(self->options_.job);
      } catch (const std::exception& error) {
        spdlog::warn("job {}: cancelling an abandoned request: {}", self->options_.job, error.what());
      }
    }
  });
  replay_->start(bus);
  // A job deleted before we subscribed has no history and no events to come.
  if (!saw_event_ && !answered_ && !store_.get(options_.job)) {
    answer_error(404, "not_found", "job " + options_.job + " was deleted before it finished");
    replay_->stop();
  }
}

bool OpenAiJobWaiter::handle(const JobEvent& event) {
  if (answered_) return false;
  saw_event_ = true;
  if (event.type == "segment") {
    on_segment(event);
  } else if (event.type == "error") {
    // A failed job records its error just before its failed state.
    const auto& error = event.data.value("error", nlohmann::json::object());
    error_code_ = error.value("code", std::string());
    error_message_ = error.value("message", std::string());
  } else if (event.type == "state") {
    on_state(event.data.value("state", std::string()), event);
  }
  return !answered_;
}

void OpenAiJobWaiter::on_segment(const JobEvent& event) {
  if (!options_.stream) return;
  std::string text = event.data.value("segment", nlohmann::json::object()).value("text", std::string());
  if (text.empty()) return;
  // Deltas concatenate to the done event's text: segments joined by spaces.
  std::string delta = sent_delta_ ? " " + text : text;
  sent_delta_ = true;
  writer_->write(openai_delta_frame(delta));
}

void OpenAiJobWaiter::on_state(const std::string& state, const JobEvent& event) {
  if (state == "completed") {
    answer_completed();
  } else if (state == "failed") {
    if (error_code_.empty()) {
      // The error event may be older than the history we read (a retried
      // job); the job itself keeps its last error.
      if (auto job = store_.get(options_.job)) {
        error_code_ = job->error_code;
        error_message_ = job->error_message;
      }
    }
    const std::string code = error_code_.empty() ? "internal" : error_code_;
    const std::string message = error_message_.empty() ? "the transcription failed" : error_message_;
    answer_error(openai_status_for_code(code), code, message);
  } else if (state == "cancelled") {
    const bool deleted = event.data.value("deleted", false);
    answer_error(409, "cancelled",
                 deleted ? "the job was deleted before it finished"
                         : "the job was cancelled before it finished");
  }
  // queued (again, after a restart or a retry) and processing: keep waiting.
}

void OpenAiJobWaiter::answer_completed() {
  std::optional<Transcript> transcript;
  try {
    transcript = store_.result(options_.job);
  } catch (const std::exception& error) {
    spdlog::error("job {}: reading the result: {}", options_.job, error.what());
  }
  if (!transcript) {
    return answer_error(500, "internal", "job " + options_.job + " completed without a stored result");
  }
  answered_ = true;
  if (options_.stream) {
    writer_->write(openai_done_frame(transcript->text()));
    writer_->finish();
  } else {
    writer_->respond(openai_transcript_response(*transcript, options_.answer));
  }
}

void OpenAiJobWaiter::answer_error(int status, const std::string& code, const std::string& message) {
  answered_ = true;
  if (options_.stream) {
    writer_->write(openai_error_frame(status, code, message));
    writer_->finish();
  } else {
    writer_->respond(openai_error_response(status, code, message));
  }
}

}  // namespace soundscripter
