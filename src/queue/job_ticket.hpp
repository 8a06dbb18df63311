// JobTicket: everything a worker needs to run a job, carried in the queue
// message, so that a worker on another machine starts a job without
// reading the job store or the API's disk.
#pragma once

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "engine/audio_chunker.hpp"
#include "jobs/job.hpp"

namespace soundscripter {

// The piece of a split job that a chunk ticket asks for (job_chunk.hpp).
struct ChunkOfJob {
  int index = 0;
  int count = 0;     // chunks in the job
  AudioSpan span;    // in the job's decoded audio
};

struct JobTicket {
  std::string job_id;
  std::string owner;             // the API key's id ("" without keys): owners take turns
  int priority = 5;              // 0..9, as the job's request
  JobRequest request;
  std::string media_filename;    // as uploaded: failure messages name it
  std::string media_file;        // the stored file's name in the API's media directory
  std::string media_token;       // opens GET /v1/jobs/{id}/media for this job only
  double media_duration = 0;     // seconds, from the probe at upload
  // Set for one chunk of a split job; then request.language is the one
  // detected for the whole file, when it was detected.
  std::optional<ChunkOfJob> chunk;
};

// What a worker runs, for "is it running here already" and heartbeats:
// the job id, or "ID#INDEX" for a chunk.
std::string run_key(const JobTicket& ticket);
std::string chunk_run_key(const std::string& job_id, int index);

// The ticket for a stored job.
JobTicket ticket_for(const Job& job);

// The message body: {"job", "priority", "request", "media": {...}} and, for
// a chunk, "chunk": {"index", "count", "start", "samples"}.
nlohmann::json ticket_to_json(const JobTicket& ticket);
// Throws Error(invalid_argument) naming what is missing or wrong, so a
// message that cannot be a ticket is dead-lettered with a reason.
JobTicket ticket_from_json(const nlohmann::json& json);

}  // namespace soundscripter
