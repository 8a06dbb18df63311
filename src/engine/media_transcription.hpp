// The core pipeline for one file: decode, cut into chunks, transcribe each,
// stitch. What `transcribe` runs per file, and what a worker runs per job.
#pragma once

#include <filesystem>
#include <functional>
#include <string>
#include <vector>
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

// The chunking with ChunkingOptions::kEngineDefault replaced by the
// engine's own length.
ChunkingOptions resolve_chunking(ChunkingOptions chunking, const Engine& engine);

// Throws Error as the decoder and engine do, with the file name in front.
// Decoding warnings (a truncated file) end up in Transcript::warnings.
Transcript transcribe_media(const std::filesystem::path& path, Engine& engine,
                            const EngineOptions& options, const ChunkingOptions& chunking,
                            const TranscriptionCallbacks& callbacks, std::stop_token stop);

// Splitting one file across workers: the plan (where transcribe_media
// would cut it), one chunk transcribed alone, and the chunks joined again.
// Together they give what transcribe_media gives with the same chunking.

struct ChunkPlan {
  std::vector<AudioSpan> spans;
  std::vector<float> first_chunk;  // its samples, to detect the language on
};
// One decode pass through the chunker; no transcription.
ChunkPlan plan_chunks(const std::filesystem::path& path, const ChunkingOptions& chunking,
                      std::stop_token stop);

// The samples of `span` (decoded from the start of the file, so they are
// exactly those the chunker saw), transcribed; times relative to the
// chunk, in the transcript and in the segments given to `callbacks` as
// they are decoded. The last chunk (`last`) also carries the file's decode
// warnings.
Transcript transcribe_span(const std::filesystem::path& path, const AudioSpan& span, bool last,
                           Engine& engine, const EngineOptions& options,
                           const EngineCallbacks& callbacks, std::stop_token stop);

// The whole file's transcript from its chunks' (in order), as
// transcribe_media finishes it.
struct SpanTranscript {
  AudioSpan span;
  const Transcript* transcript;
};
Transcript stitch_spans(const std::vector<SpanTranscript>& chunks,
                        const std::string& requested_language);

}  // namespace soundscripter
