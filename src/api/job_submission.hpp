// Turning an upload into a queued job, shared by POST /v1/jobs and the
// OpenAI-compatible endpoints: check the file, probe it with the media
// layer (so non-media is refused at once), keep it, store the job, publish
// its first event and queue it.
#pragma once

#include <string>

#include "api/api_services.hpp"
#include "api/http_types.hpp"

namespace soundscripter {

// The form's job fields (language, task, engine, model, priority,
// word_timestamps, vad, beam_size, best_of, no_fallback, temperature,
// prompt), every problem reported at once as Error(invalid_argument).
JobRequest parse_job_fields(const HttpRequest& request);

// Throws Error(invalid_argument) saying why when the request names what
// this server cannot run (an engine, model, language or task).
void refuse_what_cannot_run(ApiServices& services, const JobRequest& job_request);

// Throws Error: invalid_argument/empty_input for a missing or empty file,
// unsupported_media/no_audio_stream/corrupt_media from the probe.
Job submit_job(ApiServices& services, HttpRequest& request, JobRequest job_request,
               const std::string& file_field = "file");

// Moves a waiting or running job to cancelled and says so. The state event
// is the message: the worker running the job, in this process or on another
// machine, watches for it and stops; a waiting job's delivery finds the job
// cancelled and is skipped. False when the job had ended already.
bool cancel_job(ApiServices& services, const std::string& job_id, const nlohmann::json& extra);

// Equal strings, compared in time that does not depend on where they differ.
bool constant_time_equal(const std::string& a, const std::string& b);

// The job if it exists and the caller may see it; otherwise Error(not_found)
// (also for another key's job, so ids cannot be probed).
Job visible_job(ApiServices& services, const HttpRequest& request, const std::string& id);

}  // namespace soundscripter
