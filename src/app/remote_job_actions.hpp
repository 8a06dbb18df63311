// What `submit` and `jobs` both do to a job on a server: fetch its
// transcripts into files named as `transcribe` names them, and cancel it.
#pragma once

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "client/api_client.hpp"
#include "transcript/formats.hpp"

namespace soundscripter {

// GET /v1/jobs/{id}/transcript in each format, written to
// transcript_path(input, format, output_dir), or to stdout when to_stdout.
// A server that is away is waited for (until_server_answers); a refusal
// throws Error with the server's reason.
void download_transcripts(const ApiClient& client, const std::string& job_id, const std::filesystem::path& input,
                          const std::vector<TranscriptFormat>& formats, const std::string& output_dir,
                          bool to_stdout, const std::function<bool()>& interrupted);

// POST /v1/jobs/{id}/cancel: the job as it is now; Error with the server's
// reason when refused (a finished job: conflict).
nlohmann::json cancel_remote_job(const ApiClient& client, const std::string& job_id);

}  // namespace soundscripter
