// A finished job's transcript as a download: one format, or all of them in
// a zip archive (as the original service offered).
#pragma once

#include <string>

#include "api/http_types.hpp"
#include "jobs/job.hpp"
#include "transcript/transcript.hpp"

namespace soundscripter {

// format: txt, srt, vtt, json, tsv or zip; Error(invalid_argument) otherwise.
HttpResponse transcript_download(const Transcript& transcript, const Job& job, const std::string& format);

// The bytes of a zip archive holding NAME.txt, NAME.srt, ... for every format.
std::string transcript_zip(const Transcript& transcript, const std::string& base_name);

}  // namespace soundscripter
