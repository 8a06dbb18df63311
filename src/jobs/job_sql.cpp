// The SQL every job store shares (see job_sql.hpp).
#include "jobs/job_sql.hpp"

#include "util/error.hpp"

namespace soundscripter {

const char* const kJobColumns =
    "id, owner, name, state, request, media_path, media_filename, media_sha256, media_bytes, "
    "media_duration, progress, attempts, error_code, error_message, created_at, started_at, "
    "finished_at, media_token";

std::string transition_set_clause(
    JobState to, const std::function<std::string(TransitionValue)>& placeholder) {
  switch (to) {
    case JobState::queued:
      return "progress = 0, started_at = NULL, finished_at = NULL, error_code = '', "
             "error_message = ''";
    case JobState::processing:
      return "attempts = attempts + 1, progress = 0, started_at = " +
             placeholder(TransitionValue::now) +
             ", finished_at = NULL, error_code = '', error_message = ''";
    case JobState::completed:
      return "progress = 1, finished_at = " + placeholder(TransitionValue::now);
    case JobState::failed: {
      // Three statements, not one expression: the order of the calls (and
      // so of the parameters' numbers) must be the order in the SQL.
      std::string set = "finished_at = " + placeholder(TransitionValue::now);
      set += ", error_code = " + placeholder(TransitionValue::error_code);
      set += ", error_message = " + placeholder(TransitionValue::error_message);
      return set;
    }
    case JobState::cancelled:
      return "finished_at = " + placeholder(TransitionValue::now);
  }
  throw Error(ErrorCode::internal, "transition to an unknown state");
}

std::string dump_json(const nlohmann::json& json) {
  return json.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

nlohmann::json parse_json(const std::string& text) {
  try {
    return nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& e) {
    throw Error(ErrorCode::internal, std::string("stored JSON is corrupt: ") + e.what());
  }
}

const char* const kChunkColumns =
    "idx, start_sample, sample_count, state, attempts, progress, segments, live_segments";

std::string chunk_transition_set_clause(ChunkState to, const std::string& transcript_placeholder) {
  switch (to) {
    case ChunkState::processing: return "attempts = attempts + 1, progress = 0";
    case ChunkState::queued: return "progress = 0";
    case ChunkState::done: return "progress = 1, transcript = " + transcript_placeholder;
  }
  return "progress = 0";
}

std::string chunk_transition_context(const std::string& job, int index, ChunkState to) {
  return "job " + job + ": chunk " + std::to_string(index) + " to " + std::string(to_string(to));
}

const char* const kEarlierChunkSegmentsSent =
    "(idx = 0 OR EXISTS (SELECT 1 FROM chunks AS earlier WHERE earlier.job = chunks.job "
    "AND earlier.idx = chunks.idx - 1 AND earlier.segments = 2))";

const char* const kRerunsSql =
    "SELECT (SELECT COALESCE(SUM(attempts - 1), 0) FROM jobs WHERE attempts > 1) + "
    "(SELECT COALESCE(SUM(attempts - 1), 0) FROM chunks WHERE attempts > 1)";

}  // namespace soundscripter
