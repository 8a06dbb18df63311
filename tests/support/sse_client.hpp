// A Server-Sent Events reader for the service tests, on libcurl: it parses
// `id:` / `event:` / `data:` frames as they arrive, notes when each arrived,
// and stops when the server ends the stream, when a condition on the
// events so far holds, or at a timeout.
//
// SseStream reads in a thread of its own, so a test can open a stream,
// act on the server (submit, cancel, kill), and then look at what the
// stream saw; read_sse() is the same, blocking.
#pragma once

#include <atomic>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "support/http_client.hpp"

namespace soundscripter::test {

struct SseEvent {
  std::string id;       // this frame's `id:`, "" when it had none
  std::string event;    // `event:`, "" when it had none
  std::string data;     // the `data:` lines joined by "\n"
  double seconds = 0;   // when it arrived, from the start of the request

  nlohmann::json json() const;  // data as JSON (a test failure when it is not)
};

enum class SseEnd {
  server_closed,  // the server ended the response
  stopped,        // stop_when said so
  timed_out,      // the timeout passed first
  aborted,        // the SseStream was destroyed or abort() was called
  failed,         // no connection, or a transfer error
};

struct SseResult {
  long status = 0;                 // the HTTP status
  std::string content_type;
  std::vector<SseEvent> events;
  int comments = 0;                // ": ..." lines (heartbeats)
  std::string body;                // the raw body when the status is not 200 (an error's JSON)
  SseEnd end = SseEnd::failed;
  std::string error;               // curl's message for `failed`

  // The events' `id:`s, for comparing sequences in one assertion.
  std::vector<std::string> ids() const;
};

struct SseOptions {
  Headers headers;  // e.g. Last-Event-ID, Authorization
  // Called after each event with all events so far; true ends the read.
  std::function<bool(const std::vector<SseEvent>&)> stop_when;
  double timeout_seconds = 60;
};

class SseStream {
 public:
  // Starts reading url (a full URL) at once, in a thread.
  SseStream(std::string url, SseOptions options);
  ~SseStream();  // aborts the read if it is still going
  SseStream(const SseStream&) = delete;
  SseStream& operator=(const SseStream&) = delete;

  // Waits until the response headers arrived (true) or the read ended or
  // the time passed (false). Events that happen after this are seen even on
  // a stream that does not replay (GET /v1/events).
  bool wait_open(double timeout_seconds = 10);
  // Waits until at least n events arrived; false when the read ended or the
  // time passed first.
  bool wait_for_events(std::size_t n, double timeout_seconds);
  // A copy of the events so far.
  std::vector<SseEvent> events() const;
  void abort() { abort_ = true; }
  // Waits for the read to end and returns what it saw.
  SseResult wait();

 private:
  friend struct SseParser;
  void run(std::string url);

  SseOptions options_;
  std::atomic<bool> abort_{false};
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  bool open_ = false;
  bool ended_ = false;
  SseResult result_;
  std::thread thread_;
};

// Reads url until the stream ends, stop_when holds, or the timeout.
SseResult read_sse(const std::string& url, const SseOptions& options);

}  // namespace soundscripter::test
