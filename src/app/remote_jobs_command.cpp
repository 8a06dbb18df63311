// `soundscripter jobs list|show|cancel|delete|download`: the jobs on a
// running server, through its HTTP API (the same --server / --key and
// environment as `submit`).
#include <cstdio>
#include <ctime>
#include <iostream>

#include "app/commands.hpp"
#include "app/remote_job_actions.hpp"
#include "app/server_options.hpp"
#include "app/transcribe_options.hpp"
#include "app/transcript_output.hpp"
#include "util/error.hpp"

namespace soundscripter {
namespace {

std::string local_time(const nlohmann::json& unix_seconds) {
  if (!unix_seconds.is_number()) return "-";
  const std::time_t seconds = static_cast<std::time_t>(unix_seconds.get<double>());
  std::tm parts{};
  localtime_r(&seconds, &parts);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%d %H:%M:%S", &parts);
  return text;
}

std::string percent(const nlohmann::json& job) {
  char text[16];
  std::snprintf(text, sizeof text, "%.0f%%", job.value("progress", 0.0) * 100);
  return text;
}

nlohmann::json get_job(const ApiClient& client, const std::string& id) {
  return client.json_or_throw(client.get("/v1/jobs/" + id));
}

int list_jobs(const ApiClient& client, const std::string& state, int limit, bool raw) {
  std::string path = "/v1/jobs?limit=" + std::to_string(limit);
  if (!state.empty()) path += "&state=" + state;
  const nlohmann::json page = client.json_or_throw(client.get(path));
  if (raw) {
    std::cout << page.dump(2) << "\n";
    return 0;
  }
  std::printf("%-32s  %-10s  %8s  %-19s  %s\n", "ID", "STATE", "PROGRESS", "CREATED", "NAME");
  for (const auto& job : page.value("jobs", nlohmann::json::array())) {
    std::printf("%-32s  %-10s  %8s  %-19s  %s\n", job.value("id", "").c_str(), job.value("state", "").c_str(),
                percent(job).c_str(), local_time(job["created_at"]).c_str(), job.value("name", "").c_str());
  }
  const auto shown = page.value("jobs", nlohmann::json::array()).size();
  if (page.value("total", 0) > static_cast<std::int64_t>(shown)) {
    std::printf("(%zu of %lld jobs; --limit shows more)\n", shown, static_cast<long long>(page.value("total", 0)));
  }
  return 0;
}

int show_job(const ApiClient& client, const std::string& id, bool raw) {
  const nlohmann::json job = get_job(client, id);
  if (raw) {
    std::cout << job.dump(2) << "\n";
    return 0;
  }
  const nlohmann::json& media = job["media"];
  const nlohmann::json& request = job["request"];
  auto or_default = [](const nlohmann::json& value) {
    return value.is_string() && !value.get<std::string>().empty() ? value.get<std::string>() : "server default";
  };
  std::printf("id:        %s\n", job.value("id", "").c_str());
  std::printf("name:      %s\n", job.value("name", "").c_str());
  std::printf("state:     %s (%s)\n", job.value("state", "").c_str(), percent(job).c_str());
  if (job["error"].is_object()) std::printf("error:     %s\n", job["error"].value("message", "").c_str());
  std::printf("created:   %s\n", local_time(job["created_at"]).c_str());
  std::printf("started:   %s\n", local_time(job["started_at"]).c_str());
  std::printf("finished:  %s\n", local_time(job["finished_at"]).c_str());
  std::printf("attempts:  %d\n", job.value("attempts", 0));
  std::printf("media:     %s, %.1f s\n", media.value("filename", "").c_str(), media.value("duration", 0.0));
  std::printf("engine:    %s, model %s\n", or_default(request["engine"]).c_str(), or_default(request["model"]).c_str());
  std::printf("language:  %s, task %s\n", or_default(request["language"]).c_str(),
              request.value("task", "transcribe").c_str());
  std::printf("priority:  %d\n", request.value("priority", 5));
  return 0;
}

int delete_job(const ApiClient& client, const std::string& id) {
  const ApiResponse response = client.del("/v1/jobs/" + id);
  if (!response.ok()) throw response.to_error().with_context("delete job " + id);
  std::printf("job %s deleted\n", id.c_str());
  return 0;
}

int download_job(const ApiClient& client, const std::string& id, const TranscribeSettings& output) {
  validate_job_and_output(output);
  const nlohmann::json job = get_job(client, id);
  // Named after the uploaded file, as `transcribe` would have named it.
  std::string name = job["media"].value("filename", "");
  if (name.empty()) name = id;
  if (!output.output_dir.empty()) std::filesystem::create_directories(output.output_dir);
  download_transcripts(client, id, std::filesystem::path(name).filename(), parse_format_list(output.formats),
                       output.output_dir,
                       transcripts_to_stdout(1, output.output_dir), [] { return false; });
  return 0;
}

struct RemoteJobsSettings {
  ServerFlags server;
  std::string id;
  std::string state;
  int limit = 20;
  bool raw = false;
  TranscribeSettings output;  // download's --format and --output-dir
};

// A subcommand with the server options; its body runs with the client.
CLI::App* add_remote(CLI::App& jobs, const char* name, const char* help, std::shared_ptr<RemoteJobsSettings> s,
                     std::function<int(const ApiClient&, RemoteJobsSettings&)> body) {
  auto* command = jobs.add_subcommand(name, help);
  add_server_options(*command, s->server);
  command->callback([s, body = std::move(body)] {
    run_reporting_errors([&] { set_command_exit_status(body(server_client(s->server), *s)); });
  });
  return command;
}

}  // namespace

void add_remote_jobs_commands(CLI::App& jobs) {
  auto settings = std::make_shared<RemoteJobsSettings>();
  auto* list = add_remote(jobs, "list", "List the jobs on a server, newest first", settings,
                          [](const ApiClient& c, RemoteJobsSettings& s) { return list_jobs(c, s.state, s.limit, s.raw); });
  list->add_option("--state", settings->state, "Only jobs in this state (queued, processing, completed, failed, cancelled)");
  list->add_option("--limit", settings->limit, "How many jobs, 1..100")->capture_default_str();
  list->add_flag("--json", settings->raw, "The server's JSON as it is");

  auto* show = add_remote(jobs, "show", "Show one job on a server", settings,
                          [](const ApiClient& c, RemoteJobsSettings& s) { return show_job(c, s.id, s.raw); });
  show->add_option("id", settings->id, "Job id")->required();
  show->add_flag("--json", settings->raw, "The server's JSON as it is");

  auto* cancel = add_remote(jobs, "cancel", "Cancel a queued or running job (it stays listed)", settings,
                            [](const ApiClient& c, RemoteJobsSettings& s) {
                              const nlohmann::json job = cancel_remote_job(c, s.id);
                              std::printf("job %s %s\n", s.id.c_str(), job.value("state", "").c_str());
                              return 0;
                            });
  cancel->add_option("id", settings->id, "Job id")->required();

  auto* remove = add_remote(jobs, "delete", "Delete a job, its media and its transcript (cancels it if it runs)", settings,
                            [](const ApiClient& c, RemoteJobsSettings& s) { return delete_job(c, s.id); });
  remove->add_option("id", settings->id, "Job id")->required();

  auto* download = add_remote(jobs, "download", "Write a finished job's transcripts (named after its file)", settings,
                              [](const ApiClient& c, RemoteJobsSettings& s) { return download_job(c, s.id, s.output); });
  download->add_option("id", settings->id, "Job id")->required();
  settings->output.files = {"job"};  // one job: stdout unless --output-dir, as for one file
  add_output_options(*download, settings->output);
}

}  // namespace soundscripter
