// POST /v1/jobs: one media file and the job's form fields as
// multipart/form-data, streamed from disk by libcurl, with the bytes sent
// reported as they go.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "client/api_client.hpp"

namespace soundscripter {

using FormFields = std::vector<std::pair<std::string, std::string>>;

// Called about once a second and as bytes go out; returning false ends the
// upload (ApiResponse::interrupted).
using UploadProgress = std::function<bool(std::uint64_t sent, std::uint64_t total)>;

// The answer: 202 with the job's JSON, or the server's refusal. Throws
// Error(not_found) when the file cannot be read.
ApiResponse upload_job(const ApiClient& client, const std::filesystem::path& file, const FormFields& fields,
                       const UploadProgress& on_progress);

}  // namespace soundscripter
