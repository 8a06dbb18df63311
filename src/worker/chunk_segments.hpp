// The segments of a split job go out as the job's events in time order,
// whichever worker finished which chunk first: chunk k's are sent only
// after chunk k - 1's, by one worker at a time (a compare-and-set on the
// chunk's row), with the times they have in the stitched transcript.
//
// They go out live, too: while chunk k runs and every chunk before it has
// sent its segments, the worker running it sends each of its segments as
// the engine decodes it (LiveChunkSegments). The chunk's row counts those,
// so its completion sends only the ones after, and a run that redoes the
// chunk (its worker died) sends only those beyond what the first run sent.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "engine/transcript_stitcher.hpp"
#include "events/job_events.hpp"
#include "jobs/job_store.hpp"

namespace soundscripter {

// Sends the segments of every done chunk whose turn it is, in order, until
// a chunk is not done yet or another worker is sending.
void send_chunk_segments(JobStore& store, JobEvents& events, const std::string& job_id);

// When every chunk is done: sends what is left, waiting up to a few seconds
// for another worker still sending; after that the rest is skipped (that
// worker died mid-way) so the job can still complete.
void wait_for_chunk_segments(JobStore& store, JobEvents& events, const std::string& job_id);

// The live segments of one run of one chunk. Engines report each segment
// once, in order, as it will be in their transcript (engine.hpp), so the
// first n decoded here are the first n its completion would send.
class LiveChunkSegments {
 public:
  LiveChunkSegments(JobStore& store, JobEvents& events, std::string job_id, int index);

  // The chunk's next segment, times relative to the chunk: sent at once
  // (with every one kept before it) when the chunk's turn has come, kept
  // until the next one otherwise. A later chunk's turn comes when the
  // chunk before it completes, so what it kept goes out with its next
  // segment, or with its completion.
  void add(const Segment& segment);

 private:
  // Whether every chunk before this one has sent its segments; the first
  // time it has, learns where they end, to place this chunk's after them.
  bool turn_has_come();

  JobStore& store_;
  JobEvents& events_;
  std::string job_id_;
  int index_;
  std::vector<Segment> decoded_;
  std::optional<TranscriptStitcher> placer_;  // the chunks before this one, stitched
  AudioSpan span_;
  std::vector<Segment> placed_;               // decoded_, as the job's transcript places them
  std::optional<int> sent_;                   // the row's count, as last seen
};

}  // namespace soundscripter
