#include "app/remote_job_actions.hpp"

#include "app/job_follower.hpp"
#include "app/transcript_output.hpp"

namespace soundscripter {

void download_transcripts(const ApiClient& client, const std::string& job_id, const std::filesystem::path& input,
                          const std::vector<TranscriptFormat>& formats, const std::string& output_dir,
                          bool to_stdout, const std::function<bool()>& interrupted) {
  for (TranscriptFormat format : formats) {
    const std::string path = "/v1/jobs/" + job_id + "/transcript?format=" + std::string(format_name(format));
    const ApiResponse response =
        until_server_answers([&] { return client.get(path); }, input.filename().string(), interrupted);
    if (response.interrupted) throw Error(ErrorCode::cancelled, "interrupted");
    if (!response.ok()) {
      throw response.to_error().with_context("job " + job_id + ": " + std::string(format_name(format)));
    }
    write_transcript_text(response.body, to_stdout ? std::filesystem::path() : transcript_path(input, format, output_dir));
  }
}

nlohmann::json cancel_remote_job(const ApiClient& client, const std::string& job_id) {
  const ApiResponse response = client.post("/v1/jobs/" + job_id + "/cancel");
  if (!response.ok()) throw response.to_error().with_context("cancel job " + job_id);
  return response.json();
}

}  // namespace soundscripter
