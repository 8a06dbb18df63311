#include "worker/chunk_segments.hpp"

#include <algorithm>
#include <chrono>
#include <thread>

#include "media/audio_decoder.hpp"

namespace soundscripter {
namespace {

constexpr auto kWaitForSender = std::chrono::seconds(3);
// Tries of one live send when another run of the chunk moves its count.
constexpr int kLiveSendTries = 3;

double seconds(std::int64_t samples) { return static_cast<double>(samples) / kSampleRate; }

// The first chunk whose segments are not all sent, or end().
std::vector<JobChunk>::const_iterator first_unsent(const std::vector<JobChunk>& chunks) {
  return std::find_if(chunks.begin(), chunks.end(),
                      [](const JobChunk& chunk) { return chunk.segments != ChunkSegments::sent; });
}

// The segments of `part` (a chunk's, or its first ones), placed after
// those already in `stitcher`.
std::vector<Segment> place(TranscriptStitcher& stitcher, const Transcript& part, const AudioSpan& span) {
  return stitcher.add_chunk(part, seconds(span.start_sample), seconds(span.sample_count));
}

// The done chunks before `index`, stitched: where the job's transcript
// places the chunk's segments depends on every chunk before it.
TranscriptStitcher stitched_before(const std::vector<JobChunk>& chunks, int index) {
  TranscriptStitcher stitcher;
  for (const JobChunk& chunk : chunks) {
    if (chunk.index >= index || !chunk.transcript) break;
    place(stitcher, *chunk.transcript, chunk.span);
  }
  return stitcher;
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
    // Done, so its count of live segments no longer moves.
    TranscriptStitcher stitcher = stitched_before(chunks, index);
    const std::vector<Segment> placed = place(stitcher, *next->transcript, next->span);
    const auto already_sent = static_cast<std::size_t>(std::max(0, next->live_segments));
    for (std::size_t i = already_sent; i < placed.size(); ++i) events.segment(job_id, placed[i]);
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

LiveChunkSegments::LiveChunkSegments(JobStore& store, JobEvents& events, std::string job_id, int index)
    : store_(store), events_(events), job_id_(std::move(job_id)), index_(index) {}

bool LiveChunkSegments::turn_has_come() {
  if (placer_) return true;
  const std::vector<JobChunk> states = store_.chunks(job_id_, /*transcripts=*/false);
  const auto self = static_cast<std::size_t>(index_);
  if (self >= states.size()) return false;  // the job is gone
  if (index_ > 0 && states[self - 1].segments != ChunkSegments::sent) return false;
  // Every chunk before this one is done (sent), so their transcripts are
  // the ones the job's transcript will have.
  const std::vector<JobChunk> chunks = store_.chunks(job_id_);
  if (self >= chunks.size()) return false;
  placer_ = stitched_before(chunks, index_);
  span_ = chunks[self].span;
  sent_ = chunks[self].live_segments;
  return true;
}

void LiveChunkSegments::add(const Segment& segment) {
  decoded_.push_back(segment);
  if (!turn_has_come()) return;
  // Placed one batch after another, as the stitcher would place them all
  // at once: each is fitted after the one before it.
  Transcript unplaced;
  unplaced.segments.assign(decoded_.begin() + static_cast<std::ptrdiff_t>(placed_.size()), decoded_.end());
  for (Segment& placed : place(*placer_, unplaced, span_)) placed_.push_back(std::move(placed));

  const int total = static_cast<int>(placed_.size());
  for (int attempt = 0; attempt < kLiveSendTries; ++attempt) {
    if (!sent_) {
      const std::vector<JobChunk> chunks = store_.chunks(job_id_, /*transcripts=*/false);
      const auto self = static_cast<std::size_t>(index_);
      if (self >= chunks.size() || chunks[self].state != ChunkState::processing) return;
      sent_ = chunks[self].live_segments;
    }
    if (*sent_ >= total) return;  // an earlier run of this chunk sent these
    if (store_.advance_live_segments(job_id_, index_, *sent_, total)) {
      for (int i = *sent_; i < total; ++i) events_.segment(job_id_, placed_[static_cast<std::size_t>(i)]);
      sent_ = total;
      return;
    }
    // Another run of this chunk moved the count, or this run's part ended
    // (the chunk is done, or the job stopped): look again.
    sent_.reset();
  }
}

}  // namespace soundscripter
