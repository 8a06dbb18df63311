#include "worker/chunk_segments.hpp"

#include <algorithm>
#include <chrono>
#include <thread>

#include "engine/transcript_stitcher.hpp"
#include "media/audio_decoder.hpp"

namespace soundscripter {
namespace {

constexpr auto kWaitForSender = std::chrono::seconds(3);

// The first chunk whose segments are not all sent, or end().
std::vector<JobChunk>::const_iterator first_unsent(const std::vector<JobChunk>& chunks) {
  return std::find_if(chunks.begin(), chunks.end(),
                      [](const JobChunk& chunk) { return chunk.segments != ChunkSegments::sent; });
}

// Chunk `index`'s segments placed as the stitched transcript places them
// (which depends on every chunk before it).
std::vector<Segment> placed_segments(const std::vector<JobChunk>& chunks, int index) {
  TranscriptStitcher stitcher;
  std::vector<Segment> placed;
  for (const JobChunk& chunk : chunks) {
    if (chunk.index > index || !chunk.transcript) break;
    const double offset = static_cast<double>(chunk.span.start_sample) / kSampleRate;
    const double length = static_cast<double>(chunk.span.sample_count) / kSampleRate;
    placed = stitcher.add_chunk(*chunk.transcript, offset, length);
  }
  return placed;
}

}  // namespace

void send_chunk_segments(JobStore& store, JobEvents& events, const std::string& job_id) {
  for (;;) {
    const std::vector<JobChunk> chunks = store.chunks(job_id);
    auto next = first_unsent(chunks);
    if (next == chunks.end() || next->state != ChunkState::done) return;
    const int index = next->index;
    if (!store.advance_chunk_segments(job_id, index, ChunkSegments::unsent, ChunkSegments::sending)) {
      return;  // another worker is sending this one
    }
    for (const Segment& segment : placed_segments(chunks, index)) events.segment(job_id, segment);
    store.advance_chunk_segments(job_id, index, ChunkSegments::sending, ChunkSegments::sent);
  }
}

void wait_for_chunk_segments(JobStore& store, JobEvents& events, const std::string& job_id) {
  const auto deadline = std::chrono::steady_clock::now() + kWaitForSender;
  for (;;) {
    send_chunk_segments(store, events, job_id);
    const std::vector<JobChunk> chunks = store.chunks(job_id, /*transcripts=*/false);
    if (first_unsent(chunks) == chunks.end()) return;
    if (std::chrono::steady_clock::now() >= deadline) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

}  // namespace soundscripter
