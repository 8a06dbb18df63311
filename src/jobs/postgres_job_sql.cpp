// The mapping between Job and the jobs table (see postgres_job_sql.hpp).
#include "jobs/postgres_job_sql.hpp"

#include "jobs/job_request_json.hpp"
#include "util/error.hpp"

namespace soundscripter::postgres {

std::string job_values(Params& params, const Job& job) {
  // One call per statement: the order of the calls is the numbering, and
  // must be kJobColumns' order.
  std::string values = params.text(job.id);
  values += ", " + params.text(job.owner);
  values += ", " + params.text(job.name);
  values += ", " + params.text(to_string(job.state));
  values += ", " + params.text(dump_json(job_request_to_json(job.request)));
  values += ", " + params.text(job.media_path);
  values += ", " + params.text(job.media_filename);
  values += ", " + params.text(job.media_sha256);
  values += ", " + params.integer(static_cast<std::int64_t>(job.media_bytes));
  values += ", " + params.real(job.media_duration);
  values += ", " + params.real(job.progress);
  values += ", " + params.integer(job.attempts);
  values += ", " + params.text(job.error_code);
  values += ", " + params.text(job.error_message);
  values += ", " + params.real(job.created_at);
  values += ", " + params.optional_real(job.started_at);
  values += ", " + params.optional_real(job.finished_at);
  values += ", " + params.text(job.media_token);
  return values;
}

Job read_job(const pqxx::row& row) {
  Job job;
  job.id = row[0].c_str();
  job.owner = row[1].c_str();
  job.name = row[2].c_str();
  job.state = parse_job_state(row[3].c_str());
  try {
    job.request = job_request_from_json(parse_json(row[4].c_str()));
  } catch (const Error& error) {
    throw error.with_context("job " + job.id);
  }
  job.media_path = row[5].c_str();
  job.media_filename = row[6].c_str();
  job.media_sha256 = row[7].c_str();
  job.media_bytes = static_cast<std::uint64_t>(integer_field(row[8]));
  job.media_duration = real_field(row[9]);
  job.progress = real_field(row[10]);
  job.attempts = static_cast<int>(integer_field(row[11]));
  job.error_code = row[12].c_str();
  job.error_message = row[13].c_str();
  job.created_at = real_field(row[14]);
  job.started_at = optional_real_field(row[15]);
  job.finished_at = optional_real_field(row[16]);
  job.media_token = row[17].c_str();
  return job;
}

std::vector<Job> read_jobs(const pqxx::result& rows) {
  std::vector<Job> jobs;
  jobs.reserve(rows.size());
  for (const pqxx::row& row : rows) jobs.push_back(read_job(row));
  return jobs;
}

std::string transition_assignments(Params& params, JobState to, double now,
                                   const std::string& error_code,
                                   const std::string& error_message) {
  std::string sql = "state = " + params.text(to_string(to)) + ", ";
  return sql + transition_set_clause(to, [&](TransitionValue value) {
           switch (value) {
             case TransitionValue::now: return params.real(now);
             case TransitionValue::error_code: return params.text(error_code);
             case TransitionValue::error_message: return params.text(error_message);
           }
           return params.real(now);
         });
}

std::string transition_sql(Params& params, const std::string& id, JobState to,
                           const std::vector<JobState>& from, double now,
                           const std::string& error_code, const std::string& error_message) {
  std::string sql =
      "UPDATE jobs SET " + transition_assignments(params, to, now, error_code, error_message);
  sql += " WHERE id = " + params.text(id) + " AND state IN (";
  for (std::size_t i = 0; i < from.size(); ++i) {
    sql += (i ? ", " : "") + params.text(to_string(from[i]));
  }
  return sql + ")";
}

}  // namespace soundscripter::postgres
