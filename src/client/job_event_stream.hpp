// One connection to GET /v1/jobs/{id}/events: the job's events from after
// last_event_id (all of them when it is ""), handed over as they arrive,
// until the server ends the stream (it does after the job's final state),
// the connection breaks, or the caller asks to stop.
#pragma once

#include <functional>
#include <string>

#include "client/api_client.hpp"
#include "client/sse_parser.hpp"

namespace soundscripter {

struct JobEventStreamCallbacks {
  std::function<void(const SseEvent& event)> on_event;
  // Polled about once a second and with each piece of data; true ends the
  // read (ApiResponse::interrupted).
  std::function<bool()> should_stop;
};

// The answer's status (200 when the stream opened) and, when it did not
// open, the server's error body; status 0 with curl's words when the
// connection failed or broke. Exceptions thrown by on_event come out here.
ApiResponse read_job_events(const ApiClient& client, const std::string& job_id, const std::string& last_event_id,
                            const JobEventStreamCallbacks& callbacks);

}  // namespace soundscripter
