// The jobs table as SQL text and C++ values: which columns a Job has, how
// a Job binds into an INSERT and reads back from a row, and the UPDATE that
// moves a job between states. Kept apart from sqlite_job_store.cpp so the
// store reads as its operations, and this file as the mapping.
#pragma once

#include <cstddef>
#include <string>

#include <nlohmann/json.hpp>

#include "jobs/job.hpp"
#include "jobs/sqlite_handles.hpp"

namespace soundscripter {

// All columns of jobs, in the order bind_job binds and read_job reads.
extern const char* const kJobColumns;
// "?1, ?2, ..." for kJobColumns.
extern const char* const kJobPlaceholders;

void bind_job(sqlite::Statement& insert, const Job& job);
// Reads the current row of a statement that selected kJobColumns.
Job read_job(const sqlite::Statement& row);

// UPDATE for a compare-and-set to `to`, from any of `from_count` states.
// Parameters: ?1 the new state, ?2 now, ?3 error code, ?4 error message,
// ?5 the job id, ?6.. the states it may come from. Besides the state it
// keeps the job's fields true to it: processing starts a new attempt
// (attempts + 1, started_at, progress 0, no error); queued forgets the last
// run (a retry or an interrupted job); terminal states set finished_at,
// completed sets progress 1 and failed the error.
std::string transition_sql(JobState to, std::size_t from_count);

// JSON for a TEXT column; bytes that are not UTF-8 become U+FFFD rather
// than failing the write (an engine can end a token mid-character).
std::string dump_json(const nlohmann::json& json);
// Throws Error(internal) when the stored text is not JSON.
nlohmann::json parse_json(const std::string& text);

}  // namespace soundscripter
