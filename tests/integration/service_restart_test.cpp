// The server dying or being stopped in the middle of a job: after a
// restart on the same data directory every accepted job runs to the end.
#include <gtest/gtest.h>

#include "support/service_fixture.hpp"
#include "support/sse_client.hpp"
#include "support/test_media.hpp"

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
