#include "engine/audio_chunker.hpp"

#include <algorithm>
#include <limits>

#include "media/audio_decoder.hpp"

namespace soundscripter {
namespace {

constexpr std::size_t kWindow = kSampleRate / 10;  // 100 ms, shorter than most words' gaps
constexpr std::size_t kReadBlock = kSampleRate * 10;

}  // namespace

std::size_t find_silence_cut(std::span<const float> samples, std::size_t begin, std::size_t end) {
  end = std::min(end, samples.size());
  if (end <= begin + kWindow) return end;
  // Sliding sum of squares: one pass, O(n).
  double energy = 0;
  for (std::size_t i = begin; i < begin + kWindow; ++i) energy += samples[i] * samples[i];
  double best = energy;
  std::size_t best_start = begin;
  for (std::size_t start = begin + 1; start + kWindow <= end; ++start) {
    const float leaving = samples[start - 1];
    const float entering = samples[start + kWindow - 1];
    energy += entering * entering - leaving * leaving;
    if (energy <= best + 1e-9) {
      best = std::min(best, energy);
      best_start = start;
    }
  }
  return best_start + kWindow / 2;
}

AudioChunker::AudioChunker(Source source, ChunkingOptions options)
    : source_(std::move(source)), options_(options) {
  if (options_.chunk_seconds < 0) options_.chunk_seconds = ChunkingOptions::kFallbackSeconds;
}

std::optional<AudioChunk> AudioChunker::next() {
  const bool whole_stream = options_.chunk_seconds <= 0;
  const auto target = static_cast<std::size_t>(options_.chunk_seconds * kSampleRate);
  const auto search = std::min(target, static_cast<std::size_t>(options_.search_seconds * kSampleRate));
  const std::size_t limit = whole_stream ? std::numeric_limits<std::size_t>::max() : target;

  while (!source_done_ && pending_.size() < limit) {
    std::size_t want = std::min(kReadBlock, limit - pending_.size());
    if (source_(pending_, want) == 0) source_done_ = true;
  }
  if (pending_.empty()) return std::nullopt;

  std::size_t cut = pending_.size();
  if (!source_done_) {
    cut = find_silence_cut(pending_, pending_.size() - search, pending_.size());
    if (cut == 0) cut = pending_.size();  // never hand out an empty chunk
  }
  AudioChunk chunk;
  chunk.index = next_index_++;
  chunk.start_sample = pending_start_;
  if (cut == pending_.size()) {
    chunk.samples = std::move(pending_);
    pending_.clear();
  } else {
    chunk.samples.assign(pending_.begin(), pending_.begin() + static_cast<std::ptrdiff_t>(cut));
    pending_.erase(pending_.begin(), pending_.begin() + static_cast<std::ptrdiff_t>(cut));
  }
  pending_start_ += static_cast<std::int64_t>(chunk.samples.size());
  return chunk;
}

}  // namespace soundscripter
