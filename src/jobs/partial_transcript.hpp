// What a cancelled job had transcribed before it stopped: its stored
// segment events, so the result is there whichever process or machine
// ran the job, with nothing to save at the moment of the cancel.
#pragma once

#include <optional>

#include "jobs/job_store.hpp"
#include "transcript/transcript.hpp"

namespace soundscripter {

// The segments of the job's latest run (from its last retry, or its last
// requeue when it is not split: such runs send every segment again) up to
// its cancel, in time order; none when no segment arrived.
std::optional<Transcript> transcript_so_far(JobStore& store, const Job& job);

}  // namespace soundscripter
