#include "jobs/partial_transcript.hpp"

#include <algorithm>

#include "transcript/transcript_json.hpp"

namespace soundscripter {

std::optional<Transcript> transcript_so_far(JobStore& store, const Job& job) {
  Transcript transcript;
  // A worker notices a cancel within a second and may record a segment or
  // two meanwhile: those came after the cancel, as clients saw it.
  bool ended = false;
  // A run starts over from the first segment after a retry, and after any
  // requeue of a job that is not split; a split job requeued by a shutdown
  // goes on with the chunks not sent yet.
  const bool split = !store.chunks(job.id, /*transcripts=*/false).empty();
  for (const JobEvent& event : store.events_after(job.id, 0)) {
    const std::string state = event.type == "state" ? event.data.value("state", "") : "";
    if (state == "queued" && (!split || event.data.value("retry", false))) {
      transcript.segments.clear();
      ended = false;
    } else if (state == "cancelled") {
      ended = true;
    } else if (!ended && event.type == "segment" && event.data.contains("segment")) {
      transcript.segments.push_back(segment_from_json(event.data["segment"]));
    }
  }
  if (transcript.segments.empty()) return std::nullopt;
  std::stable_sort(transcript.segments.begin(), transcript.segments.end(),
                   [](const Segment& a, const Segment& b) { return a.start < b.start; });
  transcript.language = job.request.language == "auto" ? "" : job.request.language;
  transcript.duration = transcript.segments.back().end;
  return transcript;
}

}  // namespace soundscripter
