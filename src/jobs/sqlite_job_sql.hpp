// The jobs table as SQLite statements and C++ values: how a Job binds into
// an INSERT and reads back from a row, and the UPDATE that moves a job
// between states. Kept apart from sqlite_job_store.cpp so the store reads
// as its operations, and this file as the mapping; what the PostgreSQL
// store shares with it is in job_sql.hpp.
#pragma once

#include <cstddef>
#include <string>

#include "jobs/job.hpp"
#include "jobs/job_sql.hpp"
#include "jobs/sqlite_handles.hpp"

namespace soundscripter {

// "?1, ?2, ..." for kJobColumns (job_sql.hpp), in the order bind_job binds
// and read_job reads.
extern const char* const kJobPlaceholders;

void bind_job(sqlite::Statement& insert, const Job& job);
// Reads the current row of a statement that selected kJobColumns.
Job read_job(const sqlite::Statement& row);

// UPDATE for a compare-and-set to `to`, from any of `from_count` states.
// Parameters: ?1 the new state, ?2 now, ?3 error code, ?4 error message,
// ?5 the job id, ?6.. the states it may come from. What it sets besides
// the state is transition_set_clause's (job_sql.hpp), shared with the
// PostgreSQL store.
std::string transition_sql(JobState to, std::size_t from_count);

}  // namespace soundscripter
