// One piece of a job that was split for many workers: a long file is cut at
// silences into chunks, each runs on whichever worker is free, and their
// transcripts are stitched in order into the job's. The job store keeps
// each chunk's plan, state, progress and transcript, so the workers need
// nothing from each other.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "engine/audio_chunker.hpp"
#include "transcript/transcript.hpp"

namespace soundscripter {

enum class ChunkState { queued, processing, done };
std::string_view to_string(ChunkState state);
// Throws Error(internal) for a name that is none of the states.
ChunkState parse_chunk_state(std::string_view name);

// How far a done chunk's segments have gone out as the job's events. They
// go out in time order: chunk k's only after chunk k - 1's were sent.
enum class ChunkSegments { unsent = 0, sending = 1, sent = 2 };

struct JobChunk {
  int index = 0;
  AudioSpan span;                       // in the job's decoded audio
  ChunkState state = ChunkState::queued;
  int attempts = 0;                     // runs started
  double progress = 0;                  // 0..1 of this chunk
  ChunkSegments segments = ChunkSegments::unsent;
  int live_segments = 0;                // its first segments, sent while it ran
  std::optional<Transcript> transcript; // when done; times relative to the chunk
};

}  // namespace soundscripter
