#include "app/job_follower.hpp"

#include <cstdio>
#include <map>
#include <thread>
#include <tuple>

#include "app/progress_bar.hpp"
#include "client/job_event_stream.hpp"
#include "client/reconnect_backoff.hpp"
#include "transcript/timestamp.hpp"
#include "transcript/transcript_json.hpp"

namespace soundscripter {
namespace {

bool is_final_state(const std::string& state) {
  return state == "completed" || state == "failed" || state == "cancelled";
}

// Sleeps `wait` in small steps; false when interrupted meanwhile.
bool wait_unless_interrupted(std::chrono::milliseconds wait, const std::function<bool()>& interrupted) {
  const auto until = std::chrono::steady_clock::now() + wait;
  while (std::chrono::steady_clock::now() < until) {
    if (interrupted()) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return !interrupted();
}

// Says once that the server is away, and once that it is back.
class AwayNotice {
 public:
  explicit AwayNotice(std::string what) : what_(std::move(what)) {}
  void away(const std::string& why) {
    if (!said_) {
      std::fprintf(stderr, "%s: the server went away (%s); trying again for up to 5 minutes\n",
                   what_.c_str(), why.c_str());
    }
    said_ = true;
  }
  void back() {
    if (said_) std::fprintf(stderr, "%s: the server is back\n", what_.c_str());
    said_ = false;
  }

 private:
  std::string what_;
  bool said_ = false;
};

std::string why_away(const ApiResponse& response) {
  return response.status == 0 ? response.transport_error : response.error_message();
}

// The job's events as `submit` shows them.
class EventPrinter {
 public:
  explicit EventPrinter(const FollowDisplay& display) : display_(display), bar_(display.label) {}

  void on_event(const nlohmann::json& data, FollowOutcome& outcome) {
    const std::string type = data.value("type", "");
    if (type == "state") {
      state_ = data.value("state", "");
      if (is_final_state(state_)) outcome.state = state_;
      // A new attempt (after a restart) sends its segments from the start.
      if (state_ == "queued" || state_ == "processing") in_this_attempt_.clear();
      if (!display_.quiet && !is_final_state(state_)) bar_.update(fraction_, state_);
    } else if (type == "progress") {
      fraction_ = data.value("progress", 0.0);
      if (!display_.quiet) bar_.update(fraction_, state_);
    } else if (type == "segment" && data.contains("segment")) {
      print_segment(segment_from_json(data["segment"]));
    } else if (type == "error" && data.contains("error")) {
      outcome.error = data["error"].value("message", "");
    }
  }

  void finish(const FollowOutcome& outcome) {
    if (display_.quiet || outcome.interrupted) return;
    bar_.finish(outcome.state + (outcome.error.empty() ? "" : ": " + outcome.error));
  }

 private:
  void print_segment(const Segment& segment) {
    // A job that starts over sends its segments again: the n-th segment of
    // an attempt with the same times and text as one shown n times already
    // was shown. (Counted, not just remembered: a model may well say the
    // same word twice at one instant.)
    const SegmentKey key{to_milliseconds(segment.start), to_milliseconds(segment.end), segment.text};
    if (++in_this_attempt_[key] <= shown_[key]) return;
    ++shown_[key];
    if (display_.quiet) return;
    std::string text = segment.text;
    text.erase(0, text.find_first_not_of(' '));
    bar_.print_line((display_.label_segments ? display_.label + " " : "") + "[" + vtt_timestamp(segment.start) +
                    " --> " + vtt_timestamp(segment.end) + "] " + text);
  }

  using SegmentKey = std::tuple<std::int64_t, std::int64_t, std::string>;
  const FollowDisplay& display_;
  ProgressBar bar_;
  std::string state_ = "queued";
  double fraction_ = 0;
  std::map<SegmentKey, int> shown_;            // times each was printed
  std::map<SegmentKey, int> in_this_attempt_;  // times each came in the current attempt
};

}  // namespace

ApiResponse until_server_answers(const std::function<ApiResponse()>& request, const std::string& what,
                                 const std::function<bool()>& interrupted) {
  ReconnectBackoff backoff;
  AwayNotice notice(what);
  while (true) {
    ApiResponse response = request();
    if (!response.server_away()) {
      notice.back();
      return response;
    }
    const auto wait = backoff.next_wait();
    if (!wait) return response;
    notice.away(why_away(response));
    if (!wait_unless_interrupted(*wait, interrupted)) {
      response.interrupted = true;
      return response;
    }
  }
}

FollowOutcome follow_job(const ApiClient& client, const std::string& job_id, const FollowDisplay& display,
                         const std::function<bool()>& interrupted) {
  FollowOutcome outcome;
  EventPrinter printer(display);
  ReconnectBackoff backoff;
  AwayNotice notice(display.label);
  std::string last_event_id;
  JobEventStreamCallbacks callbacks;
  // The server ends the stream after the final state; not waiting for that
  // keeps a proxy that holds the connection open from holding us too.
  callbacks.should_stop = [&] { return !outcome.state.empty() || interrupted(); };
  callbacks.on_event = [&](const SseEvent& event) {
    notice.back();
    backoff.reset();
    if (!event.id.empty()) last_event_id = event.id;
    const auto data = nlohmann::json::parse(event.data, nullptr, false);
    if (data.is_object()) printer.on_event(data, outcome);
  };
  while (true) {
    const ApiResponse response = read_job_events(client, job_id, last_event_id, callbacks);
    if (!outcome.state.empty()) break;
    if (response.interrupted || interrupted()) {
      outcome.interrupted = true;
      return outcome;
    }
    // 200: the stream opened, then ended before the job did (a server
    // shutting down closes its streams): the server was there.
    if (response.status == 200) {
      backoff.reset();
    } else if (!response.server_away()) {
      throw response.to_error().with_context("job " + job_id);
    }
    const auto wait = backoff.next_wait();
    if (!wait) {
      throw Error(ErrorCode::backend_unavailable,
                  client.address().url + " has not answered for 5 minutes (" + why_away(response) + "); job " +
                      job_id + " may still be on it: soundscripter jobs show " + job_id);
    }
    notice.away(response.status == 200 ? "the event stream ended" : why_away(response));
    if (!wait_unless_interrupted(*wait, interrupted)) {
      outcome.interrupted = true;
      return outcome;
    }
  }
  notice.back();
  printer.finish(outcome);
  return outcome;
}

}  // namespace soundscripter
