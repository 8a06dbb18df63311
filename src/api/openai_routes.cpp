// OpenAI-compatible transcription: POST /v1/audio/transcriptions and
// /v1/audio/translations, for the official clients pointed at this server.
//
// Synchronous for the client, but not for the server: the upload becomes
// an ordinary job on the same queue (normal priority), so it waits its
// turn fairly behind and beside POST /v1/jobs uploads, and the request only
// holds a connection until OpenAiJobWaiter answers it. Errors on these two
// routes use OpenAI's shape, which the official clients read.
#include "api/api_services.hpp"
#include "api/job_submission.hpp"
#include "api/openai_job_waiter.hpp"
#include "api/openai_request.hpp"
#include "api/router.hpp"
#include "api/service_metrics.hpp"
#include "util/error.hpp"

namespace soundscripter {
namespace {

HttpResponse transcribe(ApiServices& services, HttpRequest& request, bool translate) {
  try {
    // Every field is checked before anything is stored or queued.
    OpenAiRequest parsed = parse_openai_request(request, translate);
    Job job = submit_job(services, request, parsed.job);
    services.metrics.jobs_submitted.with({}).inc();
    services.metrics.upload_bytes.with({}).inc(static_cast<double>(job.media_bytes));

    OpenAiJobWaiter::Options options{job.id, parsed.answer, parsed.stream,
                                     [&services](const std::string& id) {
                                       cancel_job(services, id, {{"reason", "the client went away"}});
                                     }};
    HttpResponse response;
    response.deferred = [&services, options](std::shared_ptr<ResponseWriter> writer) {
      std::make_shared<OpenAiJobWaiter>(std::move(writer), services.store, options)->start(services.bus);
    };
    return response;
  } catch (const Error& error) {
    return openai_error_response(error);
  }
}

}  // namespace

void add_openai_routes(Router& router, ApiServices& services) {
  router.add({"POST", "/v1/audio/transcriptions", "openai.transcriptions", BodyKind::multipart, true,
              [&services](HttpRequest& request) { return transcribe(services, request, false); }});
  router.add({"POST", "/v1/audio/translations", "openai.translations", BodyKind::multipart, true,
              [&services](HttpRequest& request) { return transcribe(services, request, true); }});
}

}  // namespace soundscripter
