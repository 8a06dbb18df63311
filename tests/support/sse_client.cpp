// The SSE reader: curl's write callback feeds the client's event-stream
// parser and records each event with the time it arrived. See
// sse_client.hpp.
#include "support/sse_client.hpp"

#include <curl/curl.h>
#include <gtest/gtest.h>

#include <chrono>

#include "client/sse_parser.hpp"
#include "support/curl_handles.hpp"

namespace soundscripter::test {

// Lives for one read; every callback locks the stream's mutex while it
// changes the shared result. The event-stream rules themselves are the
// client's own parser's (src/client/sse_parser.hpp).
struct SseParser {
  SseStream& stream;
  std::chrono::steady_clock::time_point started;
  soundscripter::SseParser events{[this](const soundscripter::SseEvent& event) { on_event(event); }};
  bool stop = false;

  double now() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  }

  // Called with the stream's mutex held.
  void on_event(const soundscripter::SseEvent& event) {
    stream.result_.events.push_back({event.id, event.event, event.data, now()});
    if (stream.options_.stop_when && stream.options_.stop_when(stream.result_.events)) stop = true;
    stream.changed_.notify_all();
  }

  static size_t on_body(char* data, size_t size, size_t count, void* user) {
    auto& self = *static_cast<SseParser*>(user);
    std::lock_guard lock(self.stream.mutex_);
    if (self.stream.result_.status != 200) {
      self.stream.result_.body.append(data, size * count);
      return size * count;
    }
    self.events.feed({data, size * count});
    self.stream.result_.comments = self.events.comments();
    return self.stop ? 0 : size * count;  // 0 makes curl end the transfer
  }

  // The blank line after the headers is the moment the stream is open.
  static size_t on_header(char* data, size_t size, size_t count, void* user) {
    auto& self = *static_cast<SseParser*>(user);
    std::string text(data, size * count);
    std::lock_guard lock(self.stream.mutex_);
    if (text.starts_with("HTTP/")) {
      const auto space = text.find(' ');
      self.stream.result_.status = std::stol(text.substr(space + 1, 3));
    } else if (text.size() > 13 && (text.starts_with("Content-Type:") || text.starts_with("content-type:"))) {
      self.stream.result_.content_type = text.substr(13);
      while (!self.stream.result_.content_type.empty() &&
             std::isspace(static_cast<unsigned char>(self.stream.result_.content_type.back()))) {
        self.stream.result_.content_type.pop_back();
      }
      self.stream.result_.content_type.erase(0, self.stream.result_.content_type.find_first_not_of(' '));
    } else if (text == "\r\n" || text == "\n") {
      self.stream.open_ = true;
      self.stream.changed_.notify_all();
    }
    return size * count;
  }

  static int on_progress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
    return static_cast<SseParser*>(user)->stream.abort_ ? 1 : 0;
  }
};

nlohmann::json SseEvent::json() const {
  try {
    return nlohmann::json::parse(data);
  } catch (const std::exception& error) {
    ADD_FAILURE() << "event data is not JSON (" << error.what() << "): " << data;
    return nullptr;
  }
}

std::vector<std::string> SseResult::ids() const {
  std::vector<std::string> ids;
  for (const auto& event : events) ids.push_back(event.id);
  return ids;
}

SseStream::SseStream(std::string url, SseOptions options) : options_(std::move(options)) {
  HttpClient init_curl("");  // makes sure curl_global_init ran
  thread_ = std::thread([this, url = std::move(url)] { run(url); });
}

SseStream::~SseStream() {
  abort_ = true;
  if (thread_.joinable()) thread_.join();
}

void SseStream::run(std::string url) {
  CurlHandle curl;
  Headers accept = {{"Accept", "text/event-stream"}};
  CurlHeaderList header_list(accept, options_.headers);
  SseParser parser{*this, std::chrono::steady_clock::now()};
  curl_easy_setopt(curl.get(), CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl.get(), CURLOPT_HTTPHEADER, header_list.get());
  curl_easy_setopt(curl.get(), CURLOPT_WRITEFUNCTION, &SseParser::on_body);
  curl_easy_setopt(curl.get(), CURLOPT_WRITEDATA, &parser);
  curl_easy_setopt(curl.get(), CURLOPT_HEADERFUNCTION, &SseParser::on_header);
  curl_easy_setopt(curl.get(), CURLOPT_HEADERDATA, &parser);
  curl_easy_setopt(curl.get(), CURLOPT_XFERINFOFUNCTION, &SseParser::on_progress);
  curl_easy_setopt(curl.get(), CURLOPT_XFERINFODATA, &parser);
  curl_easy_setopt(curl.get(), CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(curl.get(), CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl.get(), CURLOPT_TIMEOUT_MS, static_cast<long>(options_.timeout_seconds * 1000));
  const CURLcode code = curl_easy_perform(curl.get());

  std::lock_guard lock(mutex_);
  if (code == CURLE_OK) {
    result_.end = SseEnd::server_closed;
  } else if (code == CURLE_WRITE_ERROR && parser.stop) {
    result_.end = SseEnd::stopped;
  } else if (code == CURLE_ABORTED_BY_CALLBACK) {
    result_.end = SseEnd::aborted;
  } else if (code == CURLE_OPERATION_TIMEDOUT) {
    result_.end = SseEnd::timed_out;
  } else {
    result_.end = SseEnd::failed;
    result_.error = curl_easy_strerror(code);
  }
  ended_ = true;
  changed_.notify_all();
}

bool SseStream::wait_open(double timeout_seconds) {
  std::unique_lock lock(mutex_);
  changed_.wait_for(lock, std::chrono::duration<double>(timeout_seconds), [this] { return open_ || ended_; });
  return open_ && !ended_;
}

bool SseStream::wait_for_events(std::size_t n, double timeout_seconds) {
  std::unique_lock lock(mutex_);
  changed_.wait_for(lock, std::chrono::duration<double>(timeout_seconds),
                    [&] { return result_.events.size() >= n || ended_; });
  return result_.events.size() >= n;
}

std::vector<SseEvent> SseStream::events() const {
  std::lock_guard lock(mutex_);
  return result_.events;
}

SseResult SseStream::wait() {
  if (thread_.joinable()) thread_.join();
  std::lock_guard lock(mutex_);
  return result_;
}

SseResult read_sse(const std::string& url, const SseOptions& options) {
  SseStream stream(url, options);
  return stream.wait();
}

}  // namespace soundscripter::test
