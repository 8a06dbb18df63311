// The server dying or being stopped in the middle of a job: after a
// restart on the same data directory every accepted job runs to the end.
#include <gtest/gtest.h>

#include <filesystem>
#include <regex>
#include <thread>

#include "support/service_fixture.hpp"
#include "support/sse_client.hpp"
#include "support/test_media.hpp"
#include "transcript/writers.hpp"

namespace soundscripter::test {
namespace {

class service_restart : public ServiceTest {};

TEST_F(service_restart, KillNineMidJobThenRestartCompletesEveryJob) {
  ServeProcess& server = start_server(fast_whisper_server_args(1));
  std::string running, waiting;
  {
    ServiceApi api(server.base_url());
    running = api.submit_ok(long_speech_file(2));
    waiting = api.submit_ok(jfk_wav());
    ASSERT_EQ(api.wait_for_state(running, {"processing"})["state"], "processing");
    ASSERT_EQ(api.job(waiting)["state"], "queued");
  }
  server.kill9();

  server.restart();
  ServiceApi api(server.base_url());
  const nlohmann::json recovered = api.wait_until_finished(running);
  EXPECT_EQ(recovered["state"], "completed") << recovered.dump();
  EXPECT_EQ(recovered["attempts"], 2);
  const nlohmann::json second = api.wait_until_finished(waiting);
  EXPECT_EQ(second["state"], "completed") << second.dump();
  EXPECT_EQ(second["attempts"], 1);
  EXPECT_EQ(api.http().get("/v1/jobs").json()["total"], 2);
  EXPECT_EQ(api.http().get("/v1/jobs/" + running + "/transcript?format=txt").status, 200);
  // The recovery is in the job's history: queued again after the restart.
  const SseResult events = read_sse(api.events_url(running), {api.headers(), nullptr, 10});
  bool requeued = false;
  for (const auto& event : events.events) {
    const nlohmann::json data = event.json();
    if (data["type"] == "state" && data["state"] == "queued" && data.value("reason", "").find("restart") != std::string::npos) {
      requeued = true;
    }
  }
  EXPECT_TRUE(requeued) << "no 'recovered after a restart' event";
}

TEST_F(service_restart, KillNineMidSplitJobThenRestartCompletesItFromTheChunksDone) {
  const auto model = random_whisper_model("tiny");
  ServeProcess& server = start_server({"--engine", "whisper", "--model", model.string(),
                                       "--threads-per-job", "1", "--workers", "2",
                                       "--chunk-length", "30s"});
  std::string id;
  {
    ServiceApi api(server.base_url());
    id = api.submit_ok(long_speech_file(4));
    // Some chunks done, others running.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
    while (api.job(id)["progress"].get<double>() < 0.2 && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    ASSERT_EQ(api.job(id)["state"], "processing");
  }
  server.kill9();
  // Restarted at once: the dead process's heartbeat still looks alive, and
  // its chunks must still run.
  server.restart();
  ServiceApi api(server.base_url());
  const nlohmann::json recovered = api.wait_until_finished(id, std::chrono::seconds(300));
  ASSERT_EQ(recovered["state"], "completed") << recovered.dump();
  EXPECT_EQ(recovered["attempts"], 2);

  const Transcript one_run = one_run_transcript(long_speech_file(4), model, 30);
  EXPECT_EQ(api.http().get("/v1/jobs/" + id + "/transcript?format=txt").body, write_txt(one_run));
  // Segments sent live by chunks the kill cut short were not sent again
  // by their second run: every segment once, in order.
  std::vector<std::string> sent;
  for (const SseEvent& event : read_sse(api.events_url(id), {}).events) {
    if (event.event == "segment") sent.push_back(event.json()["segment"]["text"]);
  }
  std::vector<std::string> expected;
  for (const Segment& segment : one_run.segments) expected.push_back(segment.text);
  EXPECT_EQ(sent, expected);
  // Chunks done before the kill were not run again: the restarted server
  // started fewer chunks than the job has.
  const std::string log = server.log(100000);
  const auto second_run = log.find("--- serve run 2 ---");
  ASSERT_NE(second_run, std::string::npos);
  std::smatch split;
  const std::string after_restart = log.substr(second_run);
  ASSERT_TRUE(std::regex_search(after_restart, split, std::regex("job split into (\\d+) chunks")));
  const std::regex chunk_started("\"chunk \\d+ of \\d+ started");
  const long started_again = std::distance(
      std::sregex_iterator(after_restart.begin(), after_restart.end(), chunk_started),
      std::sregex_iterator());
  EXPECT_GT(started_again, 0);
  EXPECT_LT(started_again, std::stol(split[1]));
}

TEST_F(service_restart, MediaThatBelongsToNoJobIsRemovedAtStartButAFreshUploadIsNot) {
  ServeProcess& server = start_server();
  std::string id;
  {
    ServiceApi api(server.base_url());
    id = api.submit_ok(jfk_wav());
    ASSERT_EQ(api.wait_until_finished(id)["state"], "completed");
  }
  server.stop();
  const auto media = server.data_dir() / "media";
  // Left by an upload whose job could not be stored, an hour ago.
  const auto orphan = media / "0123456789abcdef0123456789abcdef.wav";
  std::filesystem::copy_file(jfk_wav(), orphan);
  std::filesystem::last_write_time(orphan, std::filesystem::file_time_type::clock::now() - std::chrono::hours(1));
  // Just moved there by another API process, about to store its job.
  const auto fresh = media / "fedcba9876543210fedcba9876543210.wav";
  std::filesystem::copy_file(jfk_wav(), fresh);
  // The finished job's media is old too, and stays.
  for (const auto& entry : std::filesystem::directory_iterator(media)) {
    if (entry.path().stem() == id) {
      std::filesystem::last_write_time(entry.path(),
                                       std::filesystem::file_time_type::clock::now() - std::chrono::hours(1));
    }
  }
  server.restart();
  EXPECT_FALSE(std::filesystem::exists(orphan));
  EXPECT_TRUE(std::filesystem::exists(fresh));
  ServiceApi api(server.base_url());
  EXPECT_EQ(api.http().get("/v1/jobs/" + id + "/media").status, 200);
}

TEST_F(service_restart, SigtermLetsARunningJobFinishWithinTheGrace) {
  auto args = fast_whisper_server_args(1);
  args.insert(args.end(), {"--shutdown-grace", "60s"});
  ServeProcess& server = start_server(args);
  ServiceApi api(server.base_url());
  const std::string id = api.submit_ok(long_speech_file(3));
  ASSERT_EQ(api.wait_for_state(id, {"processing"})["state"], "processing");

  EXPECT_EQ(server.stop(std::chrono::seconds(90)), 0);
  server.restart();
  ServiceApi after(server.base_url());
  const nlohmann::json job = after.job(id);
  EXPECT_EQ(job["state"], "completed") << job.dump();
  EXPECT_EQ(job["attempts"], 1);
}

TEST_F(service_restart, SigtermPastTheGraceRequeuesTheJobAndItCompletesAfterRestart) {
  auto args = fast_whisper_server_args(1);
  args.insert(args.end(), {"--shutdown-grace", "0s"});
  ServeProcess& server = start_server(args);
  std::string id;
  {
    ServiceApi api(server.base_url());
    id = api.submit_ok(long_speech_file(3));
    ASSERT_EQ(api.wait_for_state(id, {"processing"})["state"], "processing");
  }
  // An open event stream must not hold the shutdown up.
  SseStream watcher(ServiceApi(server.base_url()).events_url(), {{}, nullptr, 60});
  ASSERT_TRUE(watcher.wait_open());

  EXPECT_EQ(server.stop(std::chrono::seconds(15)), 0);
  EXPECT_LT(server.last_stop_duration(), std::chrono::seconds(10));
  EXPECT_EQ(watcher.wait().end, SseEnd::server_closed);

  server.restart();
  ServiceApi api(server.base_url());
  const nlohmann::json job = api.job(id);
  EXPECT_TRUE(job["state"] == "queued" || job["state"] == "processing") << job.dump();
  const nlohmann::json done = api.wait_until_finished(id, std::chrono::seconds(240));
  EXPECT_EQ(done["state"], "completed") << done.dump();
  EXPECT_EQ(done["attempts"], 2);
}

}  // namespace
}  // namespace soundscripter::test
