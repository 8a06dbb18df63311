// What every SQL job store shares, whatever its dialect: the jobs table's
// columns, what a state transition sets besides the state, and the JSON
// kept in TEXT columns. SQLite and PostgreSQL number their parameters
// differently (?1 against $1), so the shared parts take the placeholders
// from the caller rather than writing them.
#pragma once

#include <functional>
#include <string>

#include <nlohmann/json.hpp>

#include "jobs/job.hpp"
#include "jobs/job_chunk.hpp"

namespace soundscripter {

// All columns of jobs that make up a Job, in the order each store binds
// and reads them.
extern const char* const kJobColumns;

// The values a transition's SET clause may use besides the new state.
enum class TransitionValue { now, error_code, error_message };

// The assignments of a compare-and-set to `to`, after "state = ...": they
// keep the job's fields true to its state. Processing starts a new attempt
// (attempts + 1, started_at, progress 0, no error); queued forgets the last
// run (a retry or an interrupted job); terminal states set finished_at,
// completed sets progress 1 and failed the error. `placeholder` writes the
// SQL for a value's parameter; it is called only for the values the clause
// uses, in order, so a store that numbers parameters as it adds them (the
// PostgreSQL one) leaves no unused numbers, which PostgreSQL refuses.
std::string transition_set_clause(
    JobState to, const std::function<std::string(TransitionValue)>& placeholder);

// The columns of chunks that make up a JobChunk, in the order each store
// reads them; the transcript (read only when asked for) comes after.
extern const char* const kChunkColumns;

// The assignments of a chunk's compare-and-set to `to`, after "state =
// ...": processing starts an attempt, queued forgets the run's progress,
// done stores the transcript (its one placeholder, written by the caller).
std::string chunk_transition_set_clause(ChunkState to, const std::string& transcript_placeholder);

// "job ID: chunk N to STATE", in front of a chunk transition's errors.
std::string chunk_transition_context(const std::string& job, int index, ChunkState to);

// The condition, on a row of chunks, that the chunk before it has sent its
// segments (or that there is none): the order in which chunks send theirs.
extern const char* const kEarlierChunkSegmentsSent;

// Runs beyond the first over jobs and chunks: one row, one column.
extern const char* const kRerunsSql;

// JSON for a TEXT column; bytes that are not UTF-8 become U+FFFD rather
// than failing the write (an engine can end a token mid-character).
std::string dump_json(const nlohmann::json& json);
// Throws Error(internal) when the stored text is not JSON.
nlohmann::json parse_json(const std::string& text);

}  // namespace soundscripter
