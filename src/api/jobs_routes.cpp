// /v1/jobs: submit, list, show, cancel, delete, retry, transcript, media.
#include <algorithm>

#include <spdlog/spdlog.h>

#include "api/api_services.hpp"
#include "api/job_submission.hpp"
#include "api/media_range.hpp"
#include "api/router.hpp"
#include "api/retry_request.hpp"
#include "api/service_metrics.hpp"
#include "api/transcript_download.hpp"
#include "jobs/job_request_json.hpp"
#include "jobs/partial_transcript.hpp"
#include "queue/outbox.hpp"
#include "util/error.hpp"

namespace soundscripter {
namespace {

int query_int(const HttpRequest& request, const std::string& name, int fallback, int low, int high) {
  auto value = request.query_value(name);
  if (!value) return fallback;
  try {
    std::size_t used = 0;
    int parsed = std::stoi(*value, &used);
    if (used == value->size() && parsed >= low && parsed <= high) return parsed;
  } catch (const std::exception&) {
  }
  throw Error(ErrorCode::invalid_argument, name + ": '" + *value + "' is not a whole number from " +
                                               std::to_string(low) + " to " + std::to_string(high));
}

HttpResponse create_job(ApiServices& services, HttpRequest& request) {
  JobRequest job_request = parse_job_fields(request);
  Job job = submit_job(services, request, std::move(job_request));
  services.metrics.jobs_submitted.with({}).inc();
  services.metrics.upload_bytes.with({}).inc(static_cast<double>(job.media_bytes));
  HttpResponse response = json_response(202, to_json(job));
  response.headers.emplace_back("Location", "/v1/jobs/" + job.id);
  return response;
}

HttpResponse list_jobs(ApiServices& services, HttpRequest& request) {
  JobQuery query;
  query.owner = request.api_key_id;
  if (auto state = request.query_value("state")) query.state = parse_job_state(*state);
  query.limit = query_int(request, "limit", 20, 1, 100);
  query.offset = query_int(request, "offset", 0, 0, 1 << 30);
  JobPage page = services.store.list(query);
  nlohmann::json jobs = nlohmann::json::array();
  for (const auto& job : page.jobs) jobs.push_back(to_json(job));
  return json_response(200, {{"jobs", jobs}, {"total", page.total}, {"limit", query.limit},
                             {"offset", query.offset}});
}

void remove_media(const Job& job) {
  std::error_code ignored;
  std::filesystem::remove(job.media_path, ignored);
}

// Cancel if it is waiting or running, then delete it with its media and result.
HttpResponse delete_job(ApiServices& services, HttpRequest& request) {
  Job job = visible_job(services, request, request.path_params.at("id"));
  if (!is_terminal(job.state)) cancel_job(services, job.id, {{"deleted", true}});
  services.store.remove(job.id);
  remove_media(job);
  spdlog::info("job {} deleted", job.id);
  return json_response(200, {{"id", job.id}, {"deleted", true}});
}

// Stops a waiting or running job and keeps it, cancelled, with what was
// transcribed so far; it can be retried or deleted later.
HttpResponse cancel_job_keeping_it(ApiServices& services, HttpRequest& request) {
  Job job = visible_job(services, request, request.path_params.at("id"));
  if (job.state != JobState::cancelled && !cancel_job(services, job.id, nlohmann::json::object())) {
    auto now = services.store.get(job.id);
    const JobState state = now ? now->state : job.state;
    if (state != JobState::cancelled) {
      throw Error(ErrorCode::conflict, "job " + job.id + " is " + std::string(to_string(state)) +
                                           "; only queued or processing jobs can be cancelled");
    }
  }
  spdlog::info("job {} cancelled", job.id);
  return json_response(200, to_json(services.store.get(job.id).value_or(job)));
}

// Every retry forgets the chunk plan: the per-job stream and a later
// cancel's transcript start at the retry, so every segment is sent again.
HttpResponse retry_job(ApiServices& services, HttpRequest& request) {
  Job job = visible_job(services, request, request.path_params.at("id"));
  const std::vector<JobState> from{JobState::failed, JobState::cancelled};
  auto refuse_state = [&](JobState state) {
    throw Error(ErrorCode::conflict, "job " + job.id + " is " + std::string(to_string(state)) +
                                         "; only failed or cancelled jobs can be retried");
  };
  if (std::find(from.begin(), from.end(), job.state) == from.end()) refuse_state(job.state);
  const JobRequest retried = retry_request(job.request, request.body);
  if (job_request_to_json(retried) != job_request_to_json(job.request)) refuse_what_cannot_run(services, retried);
  if (!services.store.requeue_with_request(job.id, from, retried)) {
    refuse_state(services.store.get(job.id).value_or(job).state);  // retried or deleted meanwhile
  }
  services.events.state(job.id, JobState::queued, {{"retry", true}});
  // Read before queueing: a worker may run (and finish) it at once, and the
  // answer is the job as it was accepted.
  auto queued = services.store.get(job.id);
  publish_job(services.queue, services.store, queued.value_or(job));
  return json_response(202, to_json(queued.value_or(job)));
}

HttpResponse get_transcript(ApiServices& services, HttpRequest& request) {
  Job job = visible_job(services, request, request.path_params.at("id"));
  const std::string format = request.query_value("format").value_or("json");
  if (job.state == JobState::cancelled) {
    auto so_far = transcript_so_far(services.store, job);
    if (!so_far) {
      throw Error(ErrorCode::conflict, "job " + job.id + " was cancelled before any speech was transcribed");
    }
    return transcript_download(*so_far, job, format);
  }
  if (job.state != JobState::completed) {
    throw Error(ErrorCode::conflict, "job " + job.id + " is " + std::string(to_string(job.state)) +
                                         "; the transcript is there once it is completed");
  }
  auto transcript = services.store.result(job.id);
  if (!transcript) throw Error(ErrorCode::internal, "job " + job.id + " has no stored result");
  return transcript_download(*transcript, job, format);
}

HttpResponse get_media(ApiServices& services, HttpRequest& request) {
  Job job = visible_job(services, request, request.path_params.at("id"));
  return media_file_response(job.media_path, job.media_filename, request.header("range"));
}

// A worker's way to the media: no API key, the job's own media token, which
// the queue message carries. Wrong or missing tokens get 404 like unknown
// jobs, so ids cannot be probed.
HttpResponse get_media_for_worker(ApiServices& services, HttpRequest& request) {
  const std::string& id = request.path_params.at("id");
  auto job = services.store.get(id);
  const std::string token = request.query_value("token").value_or("");
  if (!job || job->media_token.empty() || !constant_time_equal(token, job->media_token)) {
    throw Error(ErrorCode::not_found, "no job '" + id + "' with that media token");
  }
  return media_file_response(job->media_path, job->media_filename, request.header("range"));
}

}  // namespace

void add_job_routes(Router& router, ApiServices& services) {
  auto bind = [&services](HttpResponse (*handler)(ApiServices&, HttpRequest&)) {
    return [&services, handler](HttpRequest& request) { return handler(services, request); };
  };
  router.add({"POST", "/v1/jobs", "jobs.create", BodyKind::multipart, true, bind(create_job)});
  router.add({"GET", "/v1/jobs", "jobs.list", BodyKind::none, true, bind(list_jobs)});
  router.add({"GET", "/v1/jobs/{id}", "jobs.get", BodyKind::none, true,
              [&services](HttpRequest& request) {
                return json_response(200, to_json(visible_job(services, request, request.path_params.at("id"))));
              }});
  router.add({"DELETE", "/v1/jobs/{id}", "jobs.delete", BodyKind::none, true, bind(delete_job)});
  router.add({"POST", "/v1/jobs/{id}/cancel", "jobs.cancel", BodyKind::none, true, bind(cancel_job_keeping_it)});
  router.add({"POST", "/v1/jobs/{id}/retry", "jobs.retry", BodyKind::buffered, true, bind(retry_job)});
  router.add({"GET", "/v1/jobs/{id}/transcript", "jobs.transcript", BodyKind::none, true, bind(get_transcript)});
  router.add({"GET", "/v1/jobs/{id}/media", "jobs.media", BodyKind::none, true, bind(get_media)});
  router.add({"GET", "/v1/worker/jobs/{id}/media", "worker.media", BodyKind::none, false,
              bind(get_media_for_worker)});
}

}  // namespace soundscripter
