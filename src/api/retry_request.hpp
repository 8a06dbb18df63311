// The options a retry runs with: the job's own, with what the retry's JSON
// body changes ({"language", "task", "engine", "model"}; "" or null is the
// server's default), checked by the same rules as an upload's fields.
#pragma once

#include <string>

#include "jobs/job.hpp"

namespace soundscripter {

// Throws Error(invalid_argument) for a body that is not a JSON object, a
// field it does not know, or a value an upload would be refused for.
JobRequest retry_request(const JobRequest& original, const std::string& body);

}  // namespace soundscripter
