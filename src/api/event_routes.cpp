// Server-Sent Events: GET /v1/jobs/{id}/events and GET /v1/events.
#include <charconv>
#include <optional>

#include <algorithm>

#include "api/api_services.hpp"
#include "api/job_submission.hpp"
#include "api/router.hpp"
#include "api/sse_feed.hpp"
#include "util/error.hpp"

namespace soundscripter {
namespace {

// Last-Event-ID (or ?last_event_id= for clients that cannot set headers).
std::int64_t resume_after(const HttpRequest& request) {
  auto value = request.header("last-event-id");
  if (!value) value = request.query_value("last_event_id");
  if (!value || value->empty()) return 0;
  try {
    std::size_t used = 0;
    long long seq = std::stoll(*value, &used);
    if (used == value->size() && seq >= 0) return seq;
  } catch (const std::exception&) {
  }
  throw Error(ErrorCode::invalid_argument, "Last-Event-ID '" + *value + "' is not an event id of this job");
}

// Where the job's stream stands for a client resuming after `after_seq`.
struct JobStreamStart {
  bool ended_before = false;       // the client has seen the job's final state
  std::int64_t replay_after = 0;   // where the replay starts
};

// A retried job's earlier runs ended in a final state too: a client
// following the job is shown its latest run, from the retry on, so the
// stream ends with that run and not the first.
JobStreamStart job_stream_start(JobStore& store, const std::string& job, std::int64_t after_seq) {
  std::string last_state;
  std::int64_t last_state_seq = 0;
  std::int64_t retried_at = 0;
  for (const auto& event : store.events_after(job, 0)) {
    if (event.type != "state") continue;
    last_state = event.data.value("state", std::string());
    last_state_seq = event.seq;
    if (last_state == "queued" && event.data.value("retry", false)) retried_at = event.seq;
  }
  // The job's state as stored now, read after its events: a retry moves
  // the job before it writes its event, and must not look like the end.
  const auto now = store.get(job);
  const bool ended = (last_state == "completed" || last_state == "failed" || last_state == "cancelled") &&
                     now && is_terminal(now->state);
  return {after_seq > 0 && ended && last_state_seq <= after_seq, std::max(after_seq, retried_at - 1)};
}

HttpResponse job_events(ApiServices& services, HttpRequest& request) {
  Job job = visible_job(services, request, request.path_params.at("id"));
  SseFeed::Options options;
  options.replay.job = job.id;
  const JobStreamStart start = job_stream_start(services.store, job.id, resume_after(request));
  options.replay.after_seq = start.replay_after;
  // An EventSource reconnects whenever a stream ends, sending the last id
  // it saw: after the final state there is nothing more to wait for, and
  // 204 is what tells an EventSource to stop reconnecting.
  if (start.ended_before) {
    HttpResponse done;
    done.status = 204;
    return done;
  }
  options.close_on_terminal = true;
  HttpResponse response;
  response.deferred = [&services, options](std::shared_ptr<ResponseWriter> writer) {
    std::make_shared<SseFeed>(std::move(writer), services.store, options)->start(services.bus);
  };
  return response;
}

// Where a client of every job's events left off: the position of the
// "JOB:SEQ" it saw last. Nothing (no replay) for an id that names no event
// any more; an EventSource sends back whatever id it saw, so a malformed
// one is not an error either.
std::optional<std::int64_t> resume_position(ApiServices& services, const HttpRequest& request) {
  auto value = request.header("last-event-id");
  if (!value) value = request.query_value("last_event_id");
  if (!value) return std::nullopt;
  const auto colon = value->rfind(':');
  if (colon == std::string::npos || colon == 0) return std::nullopt;
  std::int64_t seq = 0;
  const std::string_view digits = std::string_view(*value).substr(colon + 1);
  const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), seq);
  if (error != std::errc() || end != digits.data() + digits.size() || seq <= 0) return std::nullopt;
  return services.store.event_position(value->substr(0, colon), seq);
}

HttpResponse all_events(ApiServices& services, HttpRequest& request) {
  SseFeed::Options options;
  options.replay.after_position = resume_position(services, request);
  const std::string owner = request.api_key_id;
  // Which jobs are the caller's: looked up once per job, then remembered.
  auto owners = std::make_shared<std::pair<std::mutex, std::map<std::string, bool>>>();
  options.replay.admit = [&services, owner, owners](const std::string& job_id) {
    std::lock_guard lock(owners->first);
    auto [it, inserted] = owners->second.try_emplace(job_id, false);
    if (inserted) {
      auto job = services.store.get(job_id);
      it->second = job && job->owner == owner;
    }
    return it->second;
  };
  HttpResponse response;
  response.deferred = [&services, options](std::shared_ptr<ResponseWriter> writer) {
    std::make_shared<SseFeed>(std::move(writer), services.store, options)->start(services.bus);
  };
  return response;
}

}  // namespace

void add_event_routes(Router& router, ApiServices& services) {
  router.add({"GET", "/v1/jobs/{id}/events", "jobs.events", BodyKind::none, true,
              [&services](HttpRequest& request) { return job_events(services, request); }});
  router.add({"GET", "/v1/events", "events", BodyKind::none, true,
              [&services](HttpRequest& request) { return all_events(services, request); }});
}

}  // namespace soundscripter
