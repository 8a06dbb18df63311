// JobRequest <-> JSON, as the job stores keep it (one JSON column), so a
// new request field needs no schema migration: old rows read it as its
// default.
//
// This is the storage form, with every field under its C++ name; the API's
// view of a job (to_json(Job) in job.hpp) is separate and may show less.
#pragma once

#include <nlohmann/json.hpp>

#include "jobs/job.hpp"

namespace soundscripter {

nlohmann::json job_request_to_json(const JobRequest& request);
// Missing fields take JobRequest's defaults; a field of the wrong type
// throws Error(invalid_argument) naming it.
JobRequest job_request_from_json(const nlohmann::json& json);

}  // namespace soundscripter
