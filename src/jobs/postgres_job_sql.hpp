// The jobs table as PostgreSQL parameters and rows: how a Job goes into an
// INSERT and comes back from a SELECT, and the UPDATE that moves a job
// between states. The PostgreSQL counterpart of sqlite_job_sql.hpp; the
// columns and what a transition sets are shared with it (job_sql.hpp).
#pragma once

#include <string>
#include <vector>

#include <pqxx/pqxx>

#include "jobs/job.hpp"
#include "jobs/job_sql.hpp"
#include "jobs/postgres_params.hpp"

namespace soundscripter::postgres {

// Adds the job's fields to `params` in kJobColumns order and returns the
// placeholders for VALUES (...).
std::string job_values(Params& params, const Job& job);

// A row that selected kJobColumns (first, in order).
Job read_job(const pqxx::row& row);
std::vector<Job> read_jobs(const pqxx::result& rows);

// "state = $n, ..." for an UPDATE that moves jobs to `to`, with its
// parameters added to `params` (what it sets: transition_set_clause).
std::string transition_assignments(Params& params, JobState to, double now,
                                   const std::string& error_code = {},
                                   const std::string& error_message = {});

// UPDATE ... for a compare-and-set of job `id` to `to` from any of `from`
// (not empty), with its parameters added to `params`. Affects one row when
// the job was in one of `from`, none otherwise.
std::string transition_sql(Params& params, const std::string& id, JobState to,
                           const std::vector<JobState>& from, double now,
                           const std::string& error_code, const std::string& error_message);

}  // namespace soundscripter::postgres
