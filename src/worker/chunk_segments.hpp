// The segments of a split job go out as the job's events in time order,
// whichever worker finished which chunk first: chunk k's are sent only
// after chunk k - 1's, by one worker at a time (a compare-and-set on the
// chunk's row), with the times they have in the stitched transcript.
#pragma once

#include <string>

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

}  // namespace soundscripter
