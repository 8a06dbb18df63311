// The mapping between Job and the jobs table (see sqlite_job_sql.hpp).
#include "jobs/sqlite_job_sql.hpp"

#include "jobs/job_request_json.hpp"
#include "util/error.hpp"

namespace soundscripter {

const char* const kJobPlaceholders =
    "?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18";

void bind_job(sqlite::Statement& insert, const Job& job) {
  insert.bind(1, job.id).bind(2, job.owner).bind(3, job.name).bind(4, to_string(job.state));
  insert.bind(5, dump_json(job_request_to_json(job.request)));
  insert.bind(6, job.media_path).bind(7, job.media_filename).bind(8, job.media_sha256);
  insert.bind(9, static_cast<std::int64_t>(job.media_bytes)).bind(10, job.media_duration);
  insert.bind(11, job.progress).bind(12, job.attempts);
  insert.bind(13, job.error_code).bind(14, job.error_message);
  insert.bind(15, job.created_at).bind(16, job.started_at).bind(17, job.finished_at);
  insert.bind(18, job.media_token);
}

Job read_job(const sqlite::Statement& row) {
  Job job;
  job.id = row.text(0);
  job.owner = row.text(1);
  job.name = row.text(2);
  job.state = parse_job_state(row.text(3));
  try {
    job.request = job_request_from_json(parse_json(row.text(4)));
  } catch (const Error& error) {
    throw error.with_context("job " + job.id);
  }
  job.media_path = row.text(5);
  job.media_filename = row.text(6);
  job.media_sha256 = row.text(7);
  job.media_bytes = static_cast<std::uint64_t>(row.integer(8));
  job.media_duration = row.real(9);
  job.progress = row.real(10);
  job.attempts = static_cast<int>(row.integer(11));
  job.error_code = row.text(12);
  job.error_message = row.text(13);
  job.created_at = row.real(14);
  job.started_at = row.optional_real(15);
  job.finished_at = row.optional_real(16);
  job.media_token = row.text(17);
  return job;
}

std::string transition_sql(JobState to, std::size_t from_count) {
  // Fixed numbers: SQLite does not mind parameters a statement leaves out.
  const std::string set = transition_set_clause(to, [](TransitionValue value) -> std::string {
    switch (value) {
      case TransitionValue::now: return "?2";
      case TransitionValue::error_code: return "?3";
      case TransitionValue::error_message: return "?4";
    }
    return "?2";
  });
  std::string from = "?6";
  for (std::size_t i = 1; i < from_count; ++i) from += ", ?" + std::to_string(6 + i);
  return "UPDATE jobs SET state = ?1, " + set + " WHERE id = ?5 AND state IN (" + from + ")";
}

}  // namespace soundscripter
