// Distributed mode on the real servers: the API alone on PostgreSQL,
// RabbitMQ and Redis, with `soundscripter worker` processes running the
// jobs. Each test counts that every job it submits completes exactly once
// with the right transcript, whatever fault it injects.
#include <signal.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <set>
#include <stdexcept>
#include <thread>

#include "support/eventually.hpp"
#include "support/process.hpp"
#include "support/service_fixture.hpp"
#include "support/sse_client.hpp"
#include "support/temp_dir.hpp"
#include "support/test_media.hpp"
#include "support/test_servers.hpp"
#include "transcript/writers.hpp"

namespace soundscripter::test {
namespace {

using namespace std::chrono_literals;

class distributed : public ServiceTest {
 protected:
  distributed() { distributed_ = true; }

  // The API and `workers` worker processes of one slot each.
  ServeProcess& start_cluster(int workers, std::vector<std::string> extra = {}) {
    auto args = fast_whisper_server_args(workers);
    args.insert(args.end(), extra.begin(), extra.end());
    return start_server(args);
  }

  // Submits `count` copies of jfk and returns their ids.
  std::vector<std::string> submit_many(const ServiceApi& api, int count) {
    std::vector<std::string> ids;
    for (int i = 0; i < count; ++i) ids.push_back(api.submit_ok(jfk_wav()));
    return ids;
  }

  // Every job completed once, with the text one run of the model gives.
  void expect_all_completed_once(const ServiceApi& api, const std::vector<std::string>& ids,
                                 std::chrono::seconds timeout = 300s) {
    std::string expected;
    for (const auto& id : ids) {
      const nlohmann::json job = api.wait_until_finished(id, timeout);
      ASSERT_EQ(job["state"], "completed") << job.dump();
      const HttpReply text = api.http().get("/v1/jobs/" + id + "/transcript?format=txt");
      ASSERT_EQ(text.status, 200);
      if (expected.empty()) expected = text.body;
      EXPECT_EQ(text.body, expected) << "job " << id;
      // Exactly one `completed` in its history.
      const SseResult events = read_sse(api.events_url(id), {api.headers(), nullptr, 10});
      int completed = 0;
      for (const auto& event : events.events) {
        const nlohmann::json data = event.json();
        if (data["type"] == "state" && data["state"] == "completed") ++completed;
      }
      EXPECT_EQ(completed, 1) << "job " << id;
    }
  }
};

TEST_F(distributed, WorkersRunJobsAndShowInTheWorkerList) {
  ServeProcess& api_server = start_cluster(2);
  ServiceApi api(api_server.base_url());
  const auto ids = submit_many(api, 6);
  expect_all_completed_once(api, ids);

  const nlohmann::json listed = api.http().get("/v1/workers").json();
  ASSERT_EQ(listed["workers"].size(), 2u) << listed.dump();
  std::set<std::string> hosts;
  for (const auto& worker : listed["workers"]) {
    EXPECT_EQ(worker["slots"], 1);
    EXPECT_FALSE(worker["id"].get<std::string>().empty());
    EXPECT_GT(worker["last_beat"].get<double>(), 0);
  }
  const nlohmann::json ready = api.http().get("/readyz").json();
  EXPECT_EQ(ready["status"], "ready") << ready.dump();
  EXPECT_NE(ready["backends"]["queue"].get<std::string>().find("amqp://"), std::string::npos);
  EXPECT_EQ(ready["backends"]["store"].get<std::string>().find("secret"), std::string::npos);
}

// deploy/docker-healthcheck reads the file's age: fresh while the worker's
// beats reach the store, gone once it stopped.
TEST_F(distributed, AWorkerTouchesItsHealthFileAtEachStoredBeatAndRemovesItOnStop) {
  TempDir dir;
  const std::filesystem::path health_file = dir.path() / "worker.alive";
  deployment_overrides_["SOUNDSCRIPTER_HEALTH_FILE"] = health_file.string();
  start_cluster(1);
  ASSERT_TRUE(eventually([&] { return std::filesystem::exists(health_file); }, 10s));
  const auto first = std::filesystem::last_write_time(health_file);
  EXPECT_TRUE(eventually([&] { return std::filesystem::last_write_time(health_file) > first; }, 10s))
      << "the health file was not touched again";
  ASSERT_EQ(workers().front()->stop(), 0);
  EXPECT_FALSE(std::filesystem::exists(health_file));
}

TEST_F(distributed, AWorkerKilledMidJobHandsItsJobToAnother) {
  // Whole jobs: the handoff of one chunk is the next test's.
  ServeProcess& api_server = start_cluster(2, {"--split-chunks", "false"});
  ServiceApi api(api_server.base_url());
  const std::string long_job = api.submit_ok(long_speech_file(10));
  ASSERT_EQ(api.wait_for_state(long_job, {"processing"})["state"], "processing");
  // Find the worker that holds it, and kill it.
  std::string holder;
  nlohmann::json seen;
  const auto deadline = std::chrono::steady_clock::now() + 30s;
  while (holder.empty() && std::chrono::steady_clock::now() < deadline) {
    seen = api.http().get("/v1/workers").json();
    for (const auto& worker : seen["workers"]) {
      for (const auto& job : worker["jobs"]) {
        if (job == long_job) holder = worker["id"];
      }
    }
    if (holder.empty()) std::this_thread::sleep_for(200ms);
  }
  ASSERT_FALSE(holder.empty()) << "no worker lists the running job: " << seen.dump() << " "
                               << api.job(long_job).dump();
  bool killed = false;
  for (auto& worker : workers()) {
    if (holder.find("-" + std::to_string(worker->pid()) + "-") != std::string::npos) {
      worker->kill9();
      killed = true;
    }
  }
  ASSERT_TRUE(killed) << holder;
  const auto killed_at = std::chrono::steady_clock::now();
  const auto others = submit_many(api, 50);

  const nlohmann::json recovered = api.wait_until_finished(long_job, 300s);
  EXPECT_EQ(recovered["state"], "completed") << recovered.dump();
  EXPECT_EQ(recovered["attempts"], 2);
  EXPECT_LT(std::chrono::steady_clock::now() - killed_at, 240s);
  expect_all_completed_once(api, others);
}

TEST_F(distributed, AWorkerKilledMidChunkHandsTheChunkToAnotherAndTheTextIsOneRuns) {
  const auto media = long_speech_file(4);
  // The "tiny" shape: a chunk runs for seconds, long enough to be killed mid-way.
  const auto model = random_whisper_model("tiny");
  ServeProcess& api_server = start_server({"--engine", "whisper", "--model", model.string(),
                                           "--threads-per-job", "1", "--workers", "2",
                                           "--chunk-length", "60s"});
  ServiceApi api(api_server.base_url());
  const std::string long_job = api.submit_ok(media);
  // Find a worker that has run one of its chunks ("ID#INDEX") for a second
  // (so it surely took it: a chunk takes about 3 s), and kill it.
  nlohmann::json seen;
  auto holders = [&] {
    std::map<std::string, std::string> chunk_holder;  // chunk key -> worker id
    seen = api.http().get("/v1/workers").json();
    for (const auto& worker : seen["workers"]) {
      for (const auto& key : worker["jobs"]) {
        if (key.get<std::string>().starts_with(long_job + "#")) chunk_holder[key] = worker["id"];
      }
    }
    return chunk_holder;
  };
  std::string holder;
  const auto deadline = std::chrono::steady_clock::now() + 60s;
  while (holder.empty() && std::chrono::steady_clock::now() < deadline) {
    const auto before = holders();
    if (before.empty()) {
      std::this_thread::sleep_for(50ms);
      continue;
    }
    std::this_thread::sleep_for(1s);
    for (const auto& [key, worker] : holders()) {
      if (before.contains(key) && before.at(key) == worker) holder = worker;
    }
  }
  ASSERT_FALSE(holder.empty()) << "no worker ran a chunk of the job for a second: " << seen.dump();
  for (auto& worker : workers()) {
    if (holder.find("-" + std::to_string(worker->pid()) + "-") != std::string::npos) worker->kill9();
  }
  const nlohmann::json job = api.wait_until_finished(long_job, 300s);
  ASSERT_EQ(job["state"], "completed") << job.dump();
  EXPECT_EQ(job["attempts"], 1);  // the job ran once; only the chunk ran again
  const std::string metrics = api.http().get("/metrics").body;
  const auto reruns_at = metrics.find("\nsoundscripter_job_reruns ");
  ASSERT_NE(reruns_at, std::string::npos) << metrics;
  EXPECT_GE(std::stod(metrics.substr(reruns_at + 26)), 1.0);
  EXPECT_NE(metrics.find("soundscripter_jobs_queued_by_priority{priority=\"9\"} 0"), std::string::npos);

  const Transcript one_run = one_run_transcript(media, model, 60);
  EXPECT_EQ(api.http().get("/v1/jobs/" + long_job + "/transcript?format=txt").body, write_txt(one_run));
}

TEST_F(distributed, TheApiKilledAndRestartedLosesNoJob) {
  ServeProcess& api_server = start_cluster(2);
  std::vector<std::string> ids;
  {
    ServiceApi api(api_server.base_url());
    ids = submit_many(api, 50);
  }
  api_server.kill9();  // the workers go on; their reports go to PostgreSQL and Redis
  std::this_thread::sleep_for(1s);
  api_server.restart();
  ServiceApi api(api_server.base_url());
  const auto more = submit_many(api, 10);
  ids.insert(ids.end(), more.begin(), more.end());
  expect_all_completed_once(api, ids);
  EXPECT_EQ(api.http().get("/v1/jobs?limit=1").json()["total"], 60);
}

TEST_F(distributed, DeleteStopsAJobRunningOnAnotherProcess) {
  ServeProcess& api_server = start_cluster(1);
  ServiceApi api(api_server.base_url());
  const std::string id = api.submit_ok(long_speech_file(3));
  ASSERT_EQ(api.wait_for_state(id, {"processing"})["state"], "processing");
  EXPECT_EQ(api.http().del("/v1/jobs/" + id).status, 200);
  // The only worker is free again within seconds: a short job runs at once.
  const auto cancelled_at = std::chrono::steady_clock::now();
  const std::string next = api.submit_ok(jfk_wav());
  ASSERT_EQ(api.wait_until_finished(next, 60s)["state"], "completed");
  EXPECT_LT(std::chrono::steady_clock::now() - cancelled_at, 20s);
  EXPECT_EQ(api.http().get("/v1/jobs/" + id).status, 404);
}

TEST_F(distributed, TwoApiProcessesServeTheSameJobsAndEvents) {
  ServeProcess& first = start_cluster(1);
  ServeProcess& second = start_another_api(first);
  ServiceApi via_first(first.base_url());
  ServiceApi via_second(second.base_url());
  const std::string id = via_first.submit_ok(long_speech_file(1));
  // Live events of a job submitted to one API reach a client of the other.
  SseStream watcher(via_second.events_url(id), {via_second.headers(), nullptr, 300});
  ASSERT_TRUE(watcher.wait_open());
  const SseResult seen = watcher.wait();
  ASSERT_FALSE(seen.events.empty());
  EXPECT_EQ(seen.events.back().json()["state"], "completed");
  std::int64_t previous = 0;
  for (const auto& event : seen.events) {
    const std::int64_t seq = event.json()["seq"];
    EXPECT_EQ(seq, previous + 1);
    previous = seq;
  }
  EXPECT_EQ(via_second.http().get("/v1/jobs/" + id + "/transcript?format=txt").status, 200);
  EXPECT_EQ(via_second.http().get("/v1/jobs").json()["total"], 1);
}

TEST_F(distributed, TheMediaRouteForWorkersNeedsTheJobsToken) {
  ServeProcess& api_server = start_cluster(1);
  ServiceApi api(api_server.base_url());
  const std::string id = api.submit_ok(jfk_wav());
  EXPECT_EQ(api.http().get("/v1/worker/jobs/" + id + "/media").status, 404);
  EXPECT_EQ(api.http().get("/v1/worker/jobs/" + id + "/media?token=0000").status, 404);
  // The token is never shown by the API.
  EXPECT_FALSE(api.job(id).dump().find("token") != std::string::npos);
  ASSERT_EQ(api.wait_until_finished(id)["state"], "completed");
}

TEST_F(distributed, RedisRestartLosesNoEventForAnSseClient) {
  ServeProcess& api_server = start_cluster(2);
  ServiceApi api(api_server.base_url());
  const auto ids = submit_many(api, 20);
  SseStream watcher(api.events_url(ids.back()), {api.headers(), nullptr, 300});
  ASSERT_TRUE(watcher.wait_open());
  control_test_server("redis", "restart");
  expect_all_completed_once(api, ids);
  const SseResult seen = watcher.wait();
  // Every event of the job, in order, with no gap: what the store has.
  std::int64_t previous = 0;
  for (const auto& event : seen.events) {
    const std::int64_t seq = event.json()["seq"];
    EXPECT_EQ(seq, previous + 1);
    previous = seq;
  }
  ASSERT_FALSE(seen.events.empty());
  EXPECT_EQ(seen.events.back().json()["state"], "completed");
}

TEST_F(distributed, RabbitmqRestartLosesNoJob) {
  ServeProcess& api_server = start_cluster(2);
  ServiceApi api(api_server.base_url());
  auto ids = submit_many(api, 25);
  control_test_server("rabbitmq", "restart");
  const auto more = submit_many(api, 25);  // some while it comes back: kept in the outbox
  ids.insert(ids.end(), more.begin(), more.end());
  expect_all_completed_once(api, ids);
}

TEST_F(distributed, PostgresRestartLosesNoJob) {
  ServeProcess& api_server = start_cluster(2);
  ServiceApi api(api_server.base_url());
  const auto ids = submit_many(api, 50);
  control_test_server("postgres", "restart");
  expect_all_completed_once(api, ids);
}

TEST_F(distributed, AFailedJobIsDeadLetteredAndRequeueDeadRunsItAgain) {
  ServeProcess& api_server = start_cluster(1);
  ServiceApi api(api_server.base_url());
  // Accepted at upload (a WAV header), fails in the worker (not one sample).
  const std::string id = api.submit_ok(wav_cut_after_header());
  const std::string good = api.submit_ok(jfk_wav());
  const nlohmann::json failed = api.wait_until_finished(id);
  ASSERT_EQ(failed["state"], "failed") << failed.dump();
  EXPECT_EQ(failed["attempts"], 1);
  // It blocks nothing behind it.
  EXPECT_EQ(api.wait_until_finished(good)["state"], "completed");
  auto dead_letters = [&] {
    const std::string metrics = api.http().get("/metrics").body;
    const auto at = metrics.find("\nsoundscripter_dead_letters ");
    return at == std::string::npos ? -1.0 : std::stod(metrics.substr(at + 28));
  };
  // The message is dead-lettered just after the job's state is stored.
  auto eventually_dead_letters = [&](double expected) {
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (dead_letters() != expected && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(100ms);
    }
    return dead_letters();
  };
  EXPECT_EQ(eventually_dead_letters(1), 1);

  // The admin command, with the deployment's settings from the environment.
  std::vector<std::string> argv = {soundscripter_binary().string(), "jobs", "requeue-dead"};
  std::vector<std::string> env_args;
  for (const auto& [name, value] : api_server.options().env) {
    if (name.starts_with("SOUNDSCRIPTER_")) env_args.push_back(name + "=" + value);
  }
  std::vector<std::string> command = {"env"};
  command.insert(command.end(), env_args.begin(), env_args.end());
  command.insert(command.end(), argv.begin(), argv.end());
  const ProcessResult result = run_process(command, 60);
  ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
  EXPECT_NE(result.out.find("1 jobs put back"), std::string::npos) << result.out;

  // Queued again in the store, run again by the worker, failed again.
  const nlohmann::json again = api.wait_until_finished(id);
  EXPECT_EQ(again["state"], "failed") << again.dump();
  EXPECT_EQ(again["attempts"], 2);
  EXPECT_EQ(eventually_dead_letters(1), 1);
}

// A broker of this test's own whose consumer timeout is 3 s: RabbitMQ then
// closes a worker's channel while its job still runs and redelivers the job.
class PrivateBroker {
 public:
  PrivateBroker() {
    std::filesystem::create_directories(dir_.path());
    const ProcessResult started =
        run_process({"env", "RABBITMQ_CONSUMER_TIMEOUT_MS=3000", std::string(TESTS_SOURCE_DIR) +
                     "/../scripts/servers/rabbitmq", "start", dir_.path().string()}, 180);
    if (started.exit_code != 0) throw std::runtime_error("private broker: " + started.out + started.err);
    url_ = started.out.substr(started.out.rfind("amqp://"));
    while (!url_.empty() && (url_.back() == '\n' || url_.back() == ' ')) url_.pop_back();
  }
  ~PrivateBroker() {
    run_process({std::string(TESTS_SOURCE_DIR) + "/../scripts/servers/rabbitmq", "stop", dir_.path().string()}, 60);
  }
  const std::string& url() const { return url_; }

 private:
  TempDir dir_{"rabbitmq-private"};
  std::string url_;
};

TEST_F(distributed, AJobLongerThanTheBrokersConsumerTimeoutRunsOnce) {
  PrivateBroker broker;
  deployment_overrides_["SOUNDSCRIPTER_BROKER_URL"] = broker.url();
  // Run whole: a split job's chunks are short deliveries.
  ServeProcess& api_server = start_cluster(2, {"--split-chunks", "false"});
  ServiceApi api(api_server.base_url());
  // Long enough to outlive the timeout several times over on either worker.
  const std::string id = api.submit_ok(long_speech_file(10));
  const auto others = submit_many(api, 6);
  const nlohmann::json job = api.wait_until_finished(id, 600s);
  EXPECT_EQ(job["state"], "completed") << job.dump();
  EXPECT_EQ(job["attempts"], 1) << "the redelivered copy ran the job again";
  expect_all_completed_once(api, {id}, 600s);
  expect_all_completed_once(api, others, 600s);
}

}  // namespace
}  // namespace soundscripter::test
