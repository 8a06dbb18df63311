// `soundscripter submit FILE...`: transcribes files on a running server.
//
// Every file is uploaded first (a progress bar each), so the server can
// work on all of them at once; then each job is followed to its end
// (progress and segments as they arrive) and its transcripts are written
// as `transcribe` writes them. A refused upload or a failed job prints one
// `error:` line with the server's reason and the other files go on; the
// exit status is 1 when any file failed, 130 after Ctrl-C.
#include <cstdio>
#include <filesystem>

#include "app/client_interrupt.hpp"
#include "app/commands.hpp"
#include "app/job_follower.hpp"
#include "app/job_form_fields.hpp"
#include "app/progress_bar.hpp"
#include "app/remote_job_actions.hpp"
#include "app/server_options.hpp"
#include "app/transcript_output.hpp"
#include "client/job_upload.hpp"
#include "util/error.hpp"

namespace soundscripter {
namespace {

struct SubmitSettings {
  TranscribeSettings job;
  ServerFlags server;
  std::string priority;
};

struct SubmittedFile {
  std::filesystem::path file;
  std::string job_id;
};

std::string label_of(const std::filesystem::path& file) { return file.filename().string(); }

// Uploads one file; the new job's id, or "" after printing why not.
std::string upload(const ApiClient& client, const std::filesystem::path& file, const FormFields& fields, bool quiet) {
  ProgressBar bar(label_of(file) + " upload");
  ApiResponse response;
  try {
    response = upload_job(client, file, fields, [&](std::uint64_t sent, std::uint64_t total) {
      if (!quiet && sent > 0 && total > 0) {
        bar.update(static_cast<double>(sent) / static_cast<double>(total),
                   human_size(sent) + " of " + human_size(total));
      }
      return !client_interrupted();
    });
  } catch (const Error& error) {
    std::fprintf(stderr, "error: %s: %s\n", file.string().c_str(), error.what());
    return "";
  }
  if (response.interrupted) return "";
  if (!response.ok()) {
    if (!quiet) bar.finish("refused");
    const std::string why = response.status == 0 ? client.address().url + ": " + response.transport_error
                                                  : response.error_message();
    std::fprintf(stderr, "error: %s: %s\n", file.string().c_str(), why.c_str());
    return "";
  }
  const std::string id = response.json().value("id", "");
  if (!quiet) bar.finish("uploaded, job " + id);
  return id;
}

// After Ctrl-C: asks whether to cancel the job being followed and says
// what is left on the server.
int stop_after_interrupt(const ApiClient& client, const std::string& job_id,
                         const std::vector<SubmittedFile>& still_running) {
  if (!job_id.empty() && ask_to_cancel_job(job_id)) {
    try {
      cancel_remote_job(client, job_id);
      std::fprintf(stderr, "job %s cancelled\n", job_id.c_str());
    } catch (const Error& error) {
      std::fprintf(stderr, "error: %s\n", error.what());
    }
  } else if (!job_id.empty()) {
    std::fprintf(stderr, "\njob %s keeps running on the server (soundscripter jobs show %s)\n", job_id.c_str(),
                 job_id.c_str());
  }
  for (const auto& other : still_running) {
    if (other.job_id != job_id) {
      std::fprintf(stderr, "job %s (%s) keeps running on the server\n", other.job_id.c_str(),
                   other.file.string().c_str());
    }
  }
  return kInterruptedExitStatus;
}

int run_submit(const CLI::App& command, SubmitSettings& settings) {
  const TranscribeSettings& job = settings.job;
  validate_job_and_output(job);
  const ApiClient client = server_client(settings.server);
  const std::vector<TranscriptFormat> formats = parse_format_list(job.formats);
  const bool to_stdout = transcripts_to_stdout(job.files.size(), job.output_dir);
  if (!job.output_dir.empty()) std::filesystem::create_directories(job.output_dir);
  const FormFields fields = job_form_fields(command, job, settings.priority);
  catch_client_interrupt();

  int failures = 0;
  std::vector<SubmittedFile> submitted;
  for (const auto& name : job.files) {
    const std::string id = upload(client, name, fields, job.quiet);
    // Kept before the interrupt is looked at: a job accepted just as Ctrl-C
    // came runs on the server, and the notice must name it.
    if (!id.empty()) submitted.push_back({name, id});
    if (client_interrupted()) return stop_after_interrupt(client, "", submitted);
    if (id.empty()) ++failures;
  }

  for (std::size_t i = 0; i < submitted.size(); ++i) {
    const SubmittedFile& file = submitted[i];
    const std::vector<SubmittedFile> rest(submitted.begin() + static_cast<std::ptrdiff_t>(i), submitted.end());
    try {
      const FollowDisplay display{label_of(file.file), job.files.size() > 1, job.quiet};
      const FollowOutcome outcome = follow_job(client, file.job_id, display, client_interrupted);
      if (outcome.interrupted) return stop_after_interrupt(client, file.job_id, rest);
      if (outcome.state != "completed") {
        ++failures;
        std::fprintf(stderr, "error: %s: job %s %s%s\n", file.file.string().c_str(), file.job_id.c_str(),
                     outcome.state.c_str(), outcome.error.empty() ? "" : (": " + outcome.error).c_str());
        continue;
      }
      download_transcripts(client, file.job_id, file.file, formats, job.output_dir, to_stdout, client_interrupted);
    } catch (const Error& error) {
      // Interrupted while its transcripts came down: the job itself is done.
      if (client_interrupted()) return stop_after_interrupt(client, "", {rest.begin() + 1, rest.end()});
      ++failures;
      std::fprintf(stderr, "error: %s: %s\n", file.file.string().c_str(), error.what());
    }
  }
  return failures == 0 ? 0 : 1;
}

}  // namespace

void register_submit_command(CLI::App& app) {
  auto* command = app.add_subcommand("submit", "Transcribe files on a running SoundScripter server");
  auto settings = std::make_shared<SubmitSettings>();
  add_file_arguments(*command, settings->job);
  add_server_options(*command, settings->server);
  add_job_options(*command, settings->job);
  command->add_option("--priority", settings->priority, "low, normal, high or 0..9 (default: normal)");
  add_output_options(*command, settings->job);
  command->callback([command, settings] {
    run_reporting_errors([&] { set_command_exit_status(run_submit(*command, *settings)); });
  });
}

}  // namespace soundscripter
