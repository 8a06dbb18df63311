#include "jobs/job_chunk.hpp"

#include <string>

#include "util/error.hpp"

namespace soundscripter {

std::string_view to_string(ChunkState state) {
  switch (state) {
    case ChunkState::queued: return "queued";
    case ChunkState::processing: return "processing";
    case ChunkState::done: return "done";
  }
  return "queued";
}

ChunkState parse_chunk_state(std::string_view name) {
  for (ChunkState state : {ChunkState::queued, ChunkState::processing, ChunkState::done}) {
    if (to_string(state) == name) return state;
  }
  throw Error(ErrorCode::internal, "unknown chunk state '" + std::string(name) + "'");
}

}  // namespace soundscripter
