// The form fields of POST /v1/jobs for the job options given on the
// command line (add_job_options): only those the user gave, so the server's
// own defaults apply to the rest.
#pragma once

#include <CLI/CLI.hpp>

#include <string>

#include "app/transcribe_options.hpp"
#include "client/job_upload.hpp"

namespace soundscripter {

// priority: --priority's value ("" when not given).
FormFields job_form_fields(const CLI::App& command, const TranscribeSettings& settings,
                           const std::string& priority);

}  // namespace soundscripter
