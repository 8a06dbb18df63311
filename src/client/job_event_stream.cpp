#include "client/job_event_stream.hpp"

#include <exception>

namespace soundscripter {
namespace {

struct StreamState {
  CURL* curl;
  const JobEventStreamCallbacks& callbacks;
  SseParser parser;
  ApiResponse& response;
  std::exception_ptr callback_error;  // must not unwind through curl
};

size_t on_body(char* data, size_t size, size_t count, void* user) {
  auto& state = *static_cast<StreamState*>(user);
  long status = 0;
  curl_easy_getinfo(state.curl, CURLINFO_RESPONSE_CODE, &status);
  if (status != 200) {  // an error's JSON, not a stream
    state.response.body.append(data, size * count);
    return size * count;
  }
  try {
    state.parser.feed({data, size * count});
  } catch (...) {
    state.callback_error = std::current_exception();
    return 0;
  }
  return size * count;
}

int on_transfer(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  const auto& state = *static_cast<StreamState*>(user);
  return state.callbacks.should_stop && state.callbacks.should_stop() ? 1 : 0;
}

}  // namespace

ApiResponse read_job_events(const ApiClient& client, const std::string& job_id, const std::string& last_event_id,
                            const JobEventStreamCallbacks& callbacks) {
  CurlEasy curl = new_curl_easy();
  CurlHeaders headers;
  headers.add("Accept", "text/event-stream");
  if (!last_event_id.empty()) headers.add("Last-Event-ID", last_event_id);
  client.prepare(curl.get(), "/v1/jobs/" + job_id + "/events", headers);
  ApiResponse response;
  StreamState state{curl.get(), callbacks, SseParser(callbacks.on_event), response, nullptr};
  curl_easy_setopt(curl.get(), CURLOPT_WRITEFUNCTION, &on_body);
  curl_easy_setopt(curl.get(), CURLOPT_WRITEDATA, &state);
  curl_easy_setopt(curl.get(), CURLOPT_XFERINFOFUNCTION, &on_transfer);
  curl_easy_setopt(curl.get(), CURLOPT_XFERINFODATA, &state);
  curl_easy_setopt(curl.get(), CURLOPT_NOPROGRESS, 0L);
  const CURLcode code = curl_easy_perform(curl.get());
  if (state.callback_error) std::rethrow_exception(state.callback_error);
  ApiClient::finish(curl.get(), code, response);
  return response;
}

}  // namespace soundscripter
