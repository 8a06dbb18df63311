// The core pipeline for one file: decode, cut into chunks, transcribe each,
// stitch. What `transcribe` runs per file, and what a worker runs per job.
#pragma once

#include <filesystem>
#include <functional>
#include <stop_token>

#include "engine/audio_chunker.hpp"
#include "engine/engine.hpp"

namespace soundscripter {

struct TranscriptionProgress {
  double fraction = 0;          // 0..1 of the whole file
  double audio_seconds = 0;     // transcribed so far
  double elapsed_seconds = 0;   // wall time so far
};

struct TranscriptionCallbacks {
  std::function<void(const TranscriptionProgress&)> on_progress;
  std::function<void(const Segment&)> on_segment;   // times in the whole file
};

// Throws Error as the decoder and engine do, with the file name in front.
// Decoding warnings (a truncated file) end up in Transcript::warnings.
Transcript transcribe_media(const std::filesystem::path& path, Engine& engine,
                            const EngineOptions& options, const ChunkingOptions& chunking,
                            const TranscriptionCallbacks& callbacks, std::stop_token stop);

}  // namespace soundscripter
