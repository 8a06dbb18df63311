// `soundscripter submit` and `soundscripter jobs list|show|cancel|delete|
// download` end to end: the real binary against a real `serve` running the
// random-weight Whisper model. Inputs are copied into a folder of the
// test's own, since transcripts are written beside them.
#include <gtest/gtest.h>

#include <signal.h>

#include <filesystem>
#include <regex>
#include <thread>

#include "support/background_process.hpp"
#include "support/file_text.hpp"
#include "support/process.hpp"
#include "support/scoped_env.hpp"
#include "support/service_fixture.hpp"
#include "support/temp_dir.hpp"
#include "support/test_media.hpp"
#include "transcript/timestamp.hpp"

namespace soundscripter::test {
namespace {

namespace fs = std::filesystem;
using std::chrono::seconds;

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// The job options that make the random-weight model fast (as
// fast_whisper_fields() sends them).
const std::vector<std::string> kFastOptions = {"--beam-size", "1", "--no-fallback"};

class client_cli : public ServiceTest {
 protected:
  fs::path input(const fs::path& source, const std::string& name) {
    const fs::path copy = dir_ / name;
    fs::copy_file(source, copy, fs::copy_options::overwrite_existing);
    return copy;
  }

  static std::vector<std::string> command(std::initializer_list<std::string> words,
                                          const std::vector<std::string>& more = {}) {
    std::vector<std::string> argv = {soundscripter_binary().string()};
    argv.insert(argv.end(), words);
    argv.insert(argv.end(), more.begin(), more.end());
    return argv;
  }

  // `submit FILES... --server URL` with the fast options and `extra`.
  static std::vector<std::string> submit(const ServeProcess& server, const std::vector<fs::path>& files,
                                         const std::vector<std::string>& extra = {}) {
    std::vector<std::string> argv = command({"submit"});
    for (const auto& file : files) argv.push_back(file.string());
    argv.insert(argv.end(), {"--server", server.base_url()});
    argv.insert(argv.end(), kFastOptions.begin(), kFastOptions.end());
    argv.insert(argv.end(), extra.begin(), extra.end());
    return argv;
  }

  // The id of the one job whose name is `name`.
  static std::string job_named(const ServiceApi& api, const std::string& name) {
    const nlohmann::json page = api.http().get("/v1/jobs?limit=100").json();
    for (const auto& job : page["jobs"]) {
      if (job["name"] == name) return job["id"];
    }
    ADD_FAILURE() << "no job named " << name << ": " << page.dump();
    return "";
  }

  static std::string transcript(const ServiceApi& api, const std::string& id, const std::string& format) {
    const HttpReply reply = api.http().get("/v1/jobs/" + id + "/transcript?format=" + format);
    EXPECT_EQ(reply.status, 200) << reply.describe();
    return reply.body;
  }

  static std::vector<std::string> segment_lines(const std::string& err) {
    std::vector<std::string> lines;
    std::istringstream in(err);
    for (std::string line; std::getline(in, line);) {
      if (contains(line, " --> ")) lines.push_back(line);
    }
    return lines;
  }

  // `submit` of a 3-minute file running beside the test, once it follows
  // the job (null and a test failure when it does not get there).
  std::unique_ptr<BackgroundProcess> follow_long_job(const ServeProcess& server, bool terminal_stdin) {
    const fs::path file = input(long_speech_file(3), "long.flac");
    auto client = std::make_unique<BackgroundProcess>(submit(server, {file}), terminal_stdin);
    if (client->wait_for_err([](const std::string& err) { return contains(err, "uploaded, job"); }, seconds(60))) {
      return client;
    }
    ADD_FAILURE() << "submit did not upload: " << client->err();
    return nullptr;
  }

  // A server that takes one API key, "secret-key".
  ServeProcess& start_server_with_key() {
    return start_server(ServeProcess::Options{fast_whisper_server_args(), {{"SOUNDSCRIPTER_API_KEYS", "secret-key"}},
                                              std::chrono::seconds(60)});
  }

  TempDir dir_{"client"};
};

TEST_F(client_cli, SubmitTwoFilesWritesEachTranscriptBesideItAsTranscribeNamesThem) {
  ServeProcess& server = start_server();
  const fs::path first = input(jfk_wav(), "first.wav");
  const fs::path second = input(jfk_as(MediaFormat::mp3), "second talk.mp3");

  const ProcessResult result = run_process(submit(server, {first, second}), 300);
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(result.out, "");
  ServiceApi api(server.base_url());
  EXPECT_EQ(file_text(dir_ / "first.txt"), transcript(api, job_named(api, "first.wav"), "txt"));
  EXPECT_EQ(file_text(dir_ / "second talk.txt"), transcript(api, job_named(api, "second talk.mp3"), "txt"));
  // Progress and the segments, as they arrived, labelled with the file.
  EXPECT_TRUE(contains(result.err, "first.wav upload: uploaded, job ")) << result.err;
  EXPECT_TRUE(contains(result.err, "second talk.mp3: completed")) << result.err;
  const auto lines = segment_lines(result.err);
  ASSERT_FALSE(lines.empty()) << result.err;
  EXPECT_TRUE(std::regex_search(lines.front(), std::regex(R"(^first\.wav \[\d\d:\d\d:\d\d\.\d{3} --> )"))) << lines.front();
}

TEST_F(client_cli, FormatsGoToTheOutputDirectoryAndOneFileAloneGoesToStdout) {
  ServeProcess& server = start_server();
  const fs::path file = input(jfk_wav(), "speech.wav");
  const fs::path out = dir_ / "out";

  const ProcessResult files = run_process(submit(server, {file}, {"--format", "srt,vtt,json", "--output-dir", out}), 300);
  ASSERT_EQ(files.exit_code, 0) << files.err;
  ServiceApi api(server.base_url());
  const std::string id = job_named(api, "speech.wav");
  for (const std::string format : {"srt", "vtt", "json"}) {
    EXPECT_EQ(file_text(out / ("speech." + format)), transcript(api, id, format)) << format;
  }
  EXPECT_FALSE(fs::exists(out / "speech.txt"));
  EXPECT_FALSE(fs::exists(dir_ / "speech.srt"));

  const ProcessResult to_stdout = run_process(submit(server, {file}, {"--format", "tsv", "--quiet"}), 300);
  ASSERT_EQ(to_stdout.exit_code, 0) << to_stdout.err;
  EXPECT_EQ(to_stdout.err, "");
  EXPECT_FALSE(fs::exists(dir_ / "speech.tsv"));
  EXPECT_EQ(to_stdout.out, transcript(api, id, "tsv"));  // the same model, file and options

  const ProcessResult two_formats = run_process(submit(server, {file}, {"--format", "srt,vtt"}));
  EXPECT_EQ(two_formats.exit_code, 2);
  EXPECT_TRUE(contains(two_formats.err, "several formats need --output-dir")) << two_formats.err;
}

TEST_F(client_cli, TheJobOptionsGivenReachTheServerAndTheRestAreLeftToIt) {
  ServeProcess& server = start_server();
  const fs::path file = input(jfk_wav(), "speech.wav");
  const ProcessResult result =
      run_process(submit(server, {file}, {"--language", "en", "--priority", "high", "--word-timestamps", "-q"}), 300);
  ASSERT_EQ(result.exit_code, 0) << result.err;
  ServiceApi api(server.base_url());
  const nlohmann::json request = api.job(job_named(api, "speech.wav"))["request"];
  EXPECT_EQ(request["language"], "en");
  EXPECT_EQ(request["priority"], 8);
  EXPECT_EQ(request["word_timestamps"], true);
  EXPECT_EQ(request["beam_size"], 1);
  EXPECT_EQ(request["no_fallback"], true);
  EXPECT_EQ(request["task"], "transcribe");
  EXPECT_EQ(request["engine"], "") << "an engine nobody asked for was sent";
  EXPECT_EQ(request["vad"], false);
}

TEST_F(client_cli, ARefusedUploadOrAMissingFilePrintsWhyAndTheOtherFileStillSucceeds) {
  ServeProcess& server = start_server();
  const fs::path noise = input(random_bytes_file(), "noise.mp3");
  const fs::path speech = input(jfk_wav(), "speech.wav");
  ServiceApi api(server.base_url());
  const std::string reason = api.submit(noise).json()["error"]["message"];
  ASSERT_FALSE(reason.empty());

  const fs::path missing = dir_ / "missing.wav";
  const ProcessResult result = run_process(submit(server, {noise, missing, speech}), 300);
  EXPECT_EQ(result.exit_code, 1) << result.err;
  EXPECT_TRUE(contains(result.err, "error: " + noise.string() + ": " + reason)) << result.err;
  EXPECT_TRUE(contains(result.err, "error: " + missing.string() + ": cannot read the file")) << result.err;
  EXPECT_EQ(file_text(dir_ / "speech.txt"), transcript(api, job_named(api, "speech.wav"), "txt"));
  EXPECT_FALSE(fs::exists(dir_ / "noise.txt"));
}

TEST_F(client_cli, EnvironmentVariablesStandInForTheFlagsAndFlagsWin) {
  ServeProcess& server = start_server_with_key();
  const fs::path file = input(jfk_wav(), "speech.wav");
  std::vector<std::string> argv = command({"submit", file.string(), "--output-dir", (dir_ / "env").string()}, kFastOptions);
  {
    ScopedEnv url("SOUNDSCRIPTER_SERVER", server.base_url());
    ScopedEnv key("SOUNDSCRIPTER_API_KEY", "secret-key");
    const ProcessResult result = run_process(argv, 300);
    ASSERT_EQ(result.exit_code, 0) << result.err;
    EXPECT_TRUE(fs::exists(dir_ / "env" / "speech.txt"));
    const ProcessResult list = run_process(command({"jobs", "list"}));
    EXPECT_EQ(list.exit_code, 0) << list.err;
    EXPECT_TRUE(contains(list.out, "speech.wav")) << list.out;
  }
  {
    // Nothing listens on port 1: only the flags can make this work.
    ScopedEnv url("SOUNDSCRIPTER_SERVER", "http://127.0.0.1:1");
    ScopedEnv key("SOUNDSCRIPTER_API_KEY", "wrong-key");
    const ProcessResult list = run_process(command({"jobs", "list", "--server", server.base_url(), "--key", "secret-key"}));
    EXPECT_EQ(list.exit_code, 0) << list.err;
    EXPECT_TRUE(contains(list.out, "speech.wav")) << list.out;
    const ProcessResult unreachable = run_process(command({"jobs", "list", "--key", "secret-key"}));
    EXPECT_EQ(unreachable.exit_code, 1);
    EXPECT_TRUE(contains(unreachable.err, "http://127.0.0.1:1")) << unreachable.err;
  }
}

TEST_F(client_cli, AWrongKeyIsReportedAsNotValidAndAMissingOneAsNeeded) {
  ServeProcess& server = start_server_with_key();
  const fs::path file = input(jfk_wav(), "speech.wav");

  const ProcessResult wrong = run_process(submit(server, {file}, {"--key", "not-the-key"}));
  EXPECT_EQ(wrong.exit_code, 1);
  EXPECT_TRUE(contains(wrong.err, "error: " + file.string() + ": this API key is not valid")) << wrong.err;
  const ProcessResult missing = run_process(command({"jobs", "list", "--server", server.base_url()}));
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_TRUE(contains(missing.err, "error: this server needs an API key")) << missing.err;
  EXPECT_FALSE(fs::exists(dir_ / "speech.txt"));
}

TEST_F(client_cli, JobsListShowDownloadAndDelete) {
  ServeProcess& server = start_server();
  ServiceApi api(server.base_url());
  const std::string id = api.submit_ok(jfk_wav());
  ASSERT_EQ(api.wait_until_finished(id)["state"], "completed");
  const std::vector<std::string> at = {"--server", server.base_url()};

  const ProcessResult list = run_process(command({"jobs", "list"}, at));
  ASSERT_EQ(list.exit_code, 0) << list.err;
  EXPECT_TRUE(std::regex_search(list.out, std::regex("^ID +STATE +PROGRESS +CREATED +NAME\n"))) << list.out;
  EXPECT_TRUE(std::regex_search(list.out, std::regex(id + " +completed +100% +\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d +jfk.wav\n")))
      << list.out;

  const ProcessResult show = run_process(command({"jobs", "show", id}, at));
  ASSERT_EQ(show.exit_code, 0) << show.err;
  EXPECT_TRUE(contains(show.out, "state:     completed (100%)")) << show.out;
  EXPECT_TRUE(contains(show.out, "media:     jfk.wav, 11.0 s")) << show.out;
  const ProcessResult raw = run_process(command({"jobs", "show", id, "--json"}, at));
  ASSERT_EQ(raw.exit_code, 0) << raw.err;
  EXPECT_EQ(nlohmann::json::parse(raw.out), api.job(id));

  const ProcessResult to_stdout = run_process(command({"jobs", "download", id}, at));
  ASSERT_EQ(to_stdout.exit_code, 0) << to_stdout.err;
  EXPECT_EQ(to_stdout.out, transcript(api, id, "txt"));
  const ProcessResult to_files =
      run_process(command({"jobs", "download", id, "--format", "srt,json", "--output-dir", dir_.path().string()}, at));
  ASSERT_EQ(to_files.exit_code, 0) << to_files.err;
  EXPECT_EQ(file_text(dir_ / "jfk.srt"), transcript(api, id, "srt"));
  EXPECT_EQ(file_text(dir_ / "jfk.json"), transcript(api, id, "json"));

  const ProcessResult removed = run_process(command({"jobs", "delete", id}, at));
  ASSERT_EQ(removed.exit_code, 0) << removed.err;
  EXPECT_EQ(removed.out, "job " + id + " deleted\n");
  EXPECT_EQ(api.http().get("/v1/jobs/" + id).status, 404);
  const ProcessResult gone = run_process(command({"jobs", "show", id}, at));
  EXPECT_EQ(gone.exit_code, 1);
  EXPECT_EQ(gone.err, "error: no job '" + id + "'\n");
}

TEST_F(client_cli, JobsCancelKeepsTheJobListedAsCancelled) {
  ServeProcess& server = start_server(fast_whisper_server_args(1));
  ServiceApi api(server.base_url());
  const std::string id = api.submit_ok(long_speech_file(3));
  ASSERT_EQ(api.wait_for_state(id, {"processing"})["state"], "processing");
  const std::vector<std::string> at = {"--server", server.base_url()};

  const ProcessResult cancel = run_process(command({"jobs", "cancel", id}, at));
  ASSERT_EQ(cancel.exit_code, 0) << cancel.err;
  EXPECT_EQ(cancel.out, "job " + id + " cancelled\n");
  EXPECT_EQ(api.job(id)["state"], "cancelled");
  const ProcessResult list = run_process(command({"jobs", "list", "--state", "cancelled"}, at));
  EXPECT_TRUE(contains(list.out, id)) << list.out;
}

TEST_F(client_cli, SubmitOutlivesAServerRestartedMidJobWithoutShowingASegmentTwice) {
  // A fixed port, so the restarted server is where the client left it.
  auto args = fast_whisper_server_args(1);
  args.insert(args.end(), {"--shutdown-grace", "0s", "--port", std::to_string(free_tcp_port())});
  ServeProcess& server = start_server(args);
  const fs::path file = input(long_speech_file(3), "long.flac");

  BackgroundProcess client(submit(server, {file}, {"--output-dir", dir_.path().string()}));
  ASSERT_TRUE(client.wait_for_err([](const std::string& err) { return !segment_lines(err).empty(); }, seconds(120)))
      << client.err();
  server.stop();
  ASSERT_TRUE(client.wait_for_err([](const std::string& err) { return contains(err, "the server went away"); },
                                  seconds(30)))
      << client.err();
  std::this_thread::sleep_for(seconds(2));  // the client tries, and finds nobody there
  server.restart();

  const auto status = client.wait(seconds(300));
  ASSERT_TRUE(status.has_value()) << client.err();
  EXPECT_EQ(*status, 0) << client.err();
  ServiceApi api(server.base_url());
  const std::string id = job_named(api, "long.flac");
  EXPECT_EQ(api.job(id)["attempts"], 2) << "the job did not start over after the restart";
  EXPECT_EQ(file_text(dir_ / "long.txt"), transcript(api, id, "txt"));
  // Each segment of the transcript was shown exactly once, in order,
  // although the job sent the first ones again when it started over.
  std::vector<std::string> expected;
  const nlohmann::json json = nlohmann::json::parse(transcript(api, id, "json"));
  for (const auto& segment : json["segments"]) {
    std::string text = segment["text"];
    text.erase(0, text.find_first_not_of(' '));
    expected.push_back("[" + vtt_timestamp(segment["start"]) + " --> " + vtt_timestamp(segment["end"]) + "] " + text);
  }
  EXPECT_EQ(segment_lines(client.err()), expected) << client.err();
  EXPECT_TRUE(contains(client.err(), "the server is back")) << client.err();
  // The upload's own progress, in steps when stderr is not a terminal.
  EXPECT_TRUE(std::regex_search(client.err(), std::regex(R"(\nlong\.flac upload: 100% ([\d.]+ MB) of \1\n)")))
      << client.err();
}

TEST_F(client_cli, CtrlCWithoutATerminalLeavesTheJobRunningAndExits130) {
  ServeProcess& server = start_server(fast_whisper_server_args(1));
  auto started = follow_long_job(server, /*terminal_stdin=*/false);
  ASSERT_TRUE(started);
  BackgroundProcess& client = *started;
  client.signal(SIGINT);
  const auto status = client.wait(seconds(10));
  ASSERT_TRUE(status.has_value()) << client.err();
  EXPECT_EQ(*status, 130) << client.err();
  EXPECT_FALSE(contains(client.err(), "cancel job")) << client.err();
  ServiceApi api(server.base_url());
  const std::string id = job_named(api, "long.flac");
  EXPECT_TRUE(contains(client.err(), "job " + id + " keeps running on the server")) << client.err();
  const std::string state = api.job(id)["state"];
  EXPECT_TRUE(state == "queued" || state == "processing") << state;
}

TEST_F(client_cli, CtrlCOnATerminalAsksAndAYesCancelsTheJobOnTheServer) {
  ServeProcess& server = start_server(fast_whisper_server_args(1));
  auto started = follow_long_job(server, /*terminal_stdin=*/true);
  ASSERT_TRUE(started);
  BackgroundProcess& client = *started;
  client.signal(SIGINT);
  ServiceApi api(server.base_url());
  const std::string id = job_named(api, "long.flac");
  ASSERT_TRUE(client.wait_for_err(
      [&](const std::string& err) { return contains(err, "cancel job " + id + " on the server? [y/N]"); }, seconds(10)))
      << client.err();
  client.type("y\n");
  const auto status = client.wait(seconds(10));
  ASSERT_TRUE(status.has_value()) << client.err();
  EXPECT_EQ(*status, 130) << client.err();
  EXPECT_TRUE(contains(client.err(), "job " + id + " cancelled")) << client.err();
  EXPECT_EQ(api.job(id)["state"], "cancelled");
}

TEST_F(client_cli, ASecondCtrlCWhileAskingExitsAndLeavesTheJobRunning) {
  ServeProcess& server = start_server(fast_whisper_server_args(1));
  auto started = follow_long_job(server, /*terminal_stdin=*/true);
  ASSERT_TRUE(started);
  BackgroundProcess& client = *started;
  client.signal(SIGINT);
  ASSERT_TRUE(client.wait_for_err([](const std::string& err) { return contains(err, "on the server? [y/N]"); },
                                  seconds(10)))
      << client.err();
  client.signal(SIGINT);
  const auto status = client.wait(seconds(10));
  ASSERT_TRUE(status.has_value()) << client.err();
  EXPECT_EQ(*status, 130) << client.err();
  ServiceApi api(server.base_url());
  const std::string state = api.job(job_named(api, "long.flac"))["state"];
  EXPECT_TRUE(state == "queued" || state == "processing") << state;
}

}  // namespace
}  // namespace soundscripter::test
