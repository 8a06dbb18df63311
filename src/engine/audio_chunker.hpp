// Cuts a stream of samples into chunks at silences.
//
// Long recordings are transcribed chunk by chunk so memory stays bounded and
// chunks can later run on different workers. A chunk ends at the quietest
// moment near the target length, never at a fixed sample count, so no word
// is cut in two. Each chunk is self-contained: its samples plus where they
// start in the whole recording.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <vector>

namespace soundscripter {

struct ChunkingOptions {
  // The engine's own length (Engine::default_chunk_seconds), resolved by
  // resolve_chunking() before any audio is cut.
  static constexpr double kEngineDefault = -1;
  // Where nothing resolved it (AudioChunker used on its own).
  static constexpr double kFallbackSeconds = 300;

  double chunk_seconds = kEngineDefault;  // target length; 0 = the whole stream is one chunk
  double search_seconds = 20;   // look for the cut in this much audio before the target
};

// Where a chunk lies in the whole stream, in samples.
struct AudioSpan {
  std::int64_t start_sample = 0;
  std::int64_t sample_count = 0;
  bool operator==(const AudioSpan&) const = default;
};

struct AudioChunk {
  int index = 0;
  std::int64_t start_sample = 0;  // in the whole stream
  std::vector<float> samples;
};

// The sample index in [begin, end) at the middle of the quietest 100 ms
// window (lowest mean energy); ties go to the latest one.
std::size_t find_silence_cut(std::span<const float> samples, std::size_t begin, std::size_t end);

class AudioChunker {
 public:
  // Appends up to n samples to the vector; returns how many, 0 at the end.
  using Source = std::function<std::size_t(std::vector<float>&, std::size_t)>;

  AudioChunker(Source source, ChunkingOptions options);

  // The next chunk, or nothing when the stream is done. Holds at most one
  // chunk plus the search window in memory.
  std::optional<AudioChunk> next();

 private:
  Source source_;
  ChunkingOptions options_;
  std::vector<float> pending_;       // samples read but not yet handed out
  std::int64_t pending_start_ = 0;   // stream position of pending_[0]
  int next_index_ = 0;
  bool source_done_ = false;
};

}  // namespace soundscripter
