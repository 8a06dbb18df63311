// JobTicket: everything a worker needs to run a job, carried in the queue
// message, so that a worker on another machine starts a job without
// reading the job store or the API's disk.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "jobs/job.hpp"

namespace soundscripter {

struct JobTicket {
  std::string job_id;
  int priority = 5;              // 0..9, as the job's request
  JobRequest request;
  std::string media_filename;    // as uploaded: failure messages name it
  std::string media_file;        // the stored file's name in the API's media directory
  std::string media_token;       // opens GET /v1/jobs/{id}/media for this job only
  double media_duration = 0;     // seconds, from the probe at upload
};

// The ticket for a stored job.
JobTicket ticket_for(const Job& job);

// The message body: {"job", "priority", "request", "media": {...}}.
nlohmann::json ticket_to_json(const JobTicket& ticket);
// Throws Error(invalid_argument) naming what is missing or wrong, so a
// message that cannot be a ticket is dead-lettered with a reason.
JobTicket ticket_from_json(const nlohmann::json& json);

}  // namespace soundscripter
