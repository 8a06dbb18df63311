// How a JobEvent travels over Redis: on channel soundscripter:jobs:{job} as
// the JSON of JobEvent::to_json() ({"job", "seq", "type", ...data}), the
// same shape SSE clients see, so a message can be read with redis-cli.
#pragma once

#include <string>
#include <string_view>

#include "jobs/job_store.hpp"

namespace soundscripter {

inline constexpr std::string_view kJobChannelPrefix = "soundscripter:jobs:";

// soundscripter:jobs:{job}
std::string job_channel(const std::string& job);
// soundscripter:jobs:*, what each process subscribes to once.
std::string all_jobs_channel_pattern();

// The message body. Invalid UTF-8 (a transcript segment can carry it) is
// replaced rather than thrown about, so publishing never fails here.
std::string encode_job_event(const JobEvent& event);

// The event back from a message; data is everything but job, seq and type.
// Throws Error(invalid_argument) saying what is wrong: not JSON, not an
// object, a field missing or of the wrong type, or a job that is not the
// channel's.
JobEvent decode_job_event(std::string_view channel, std::string_view message);

}  // namespace soundscripter
