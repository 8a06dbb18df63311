// deploy/supervisord.conf as shipped, under Debian's supervisord: the API
// and two workers on the real PostgreSQL, RabbitMQ and Redis. A worker
// killed with SIGKILL mid-job is restarted by Supervisor and the job still
// completes; supervisorctl shows every process; shutdown stops them all.
#include <signal.h>

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <memory>
#include <regex>
#include <thread>

#include "support/eventually.hpp"
#include "support/process.hpp"
#include "support/scoped_env.hpp"
#include "support/service_api.hpp"
#include "support/service_fixture.hpp"
#include "support/temp_dir.hpp"
#include "support/test_media.hpp"
#include "support/test_paths.hpp"
#include "support/test_servers.hpp"

namespace soundscripter::test {
namespace {

using namespace std::chrono_literals;

const std::filesystem::path kConfig = std::filesystem::path(TESTS_SOURCE_DIR) / "../deploy/supervisord.conf";

bool alive(pid_t pid) { return pid > 0 && ::kill(pid, 0) == 0; }

// supervisord started with the shipped config and the environment the
// config's header documents; shut down (or killed) at the end.
class Supervisor {
 public:
  Supervisor(const std::filesystem::path& home, const std::map<std::string, std::string>& env) : home_(home) {
    for (const auto& [name, value] : env) env_.push_back(std::make_unique<ScopedEnv>(name.c_str(), value));
    const ProcessResult started = run_process({"supervisord", "-c", kConfig.string()}, 30);
    EXPECT_EQ(started.exit_code, 0) << started.out << started.err;
  }
  ~Supervisor() {
    ctl({"shutdown"});
    const pid_t pid = supervisord_pid();
    if (!eventually([&] { return !alive(pid); }, 60s) && pid > 0) ::kill(pid, SIGKILL);
  }

  ProcessResult ctl(const std::vector<std::string>& args) const {
    std::vector<std::string> argv{"supervisorctl", "-c", kConfig.string()};
    argv.insert(argv.end(), args.begin(), args.end());
    return run_process(argv, 60);
  }
  // The pid supervisorctl reports for a program, or 0.
  pid_t pid_of(const std::string& name) const {
    const ProcessResult result = ctl({"pid", name});
    try {
      return static_cast<pid_t>(std::stol(result.out));
    } catch (const std::exception&) {
      return 0;
    }
  }
  pid_t supervisord_pid() const {
    std::ifstream file(home_ / "supervisord.pid");
    pid_t pid = 0;
    file >> pid;
    return pid;
  }
  std::string log(const std::string& name) const {
    std::ifstream file(home_ / (name + ".log"));
    return std::string(std::istreambuf_iterator<char>(file), {});
  }

 private:
  std::filesystem::path home_;
  std::vector<std::unique_ptr<ScopedEnv>> env_;
};

TEST(supervisor, RunsTheApiAndWorkersAndRestartsAWorkerKilledMidJob) {
  if (run_process({"sh", "-c", "command -v supervisord"}).exit_code != 0) {
    GTEST_SKIP() << "supervisord is not installed (scripts/setup installs Debian's supervisor)";
  }
  TempDir dir;
  // Supervisor's socket lives in SOUNDSCRIPTER_HOME, and a unix socket's
  // path must be short: the test's folder, by a short name.
  const std::filesystem::path home_link = "/tmp/ss-supervisor-" + std::to_string(::getpid());
  std::filesystem::remove(home_link);
  std::filesystem::create_directory_symlink(dir.path(), home_link);
  struct RemoveLink {
    std::filesystem::path path;
    ~RemoveLink() { std::filesystem::remove(path); }
  } remove_link{home_link};
  const std::filesystem::path& home = home_link;
  const DistributedDeployment deployment = new_distributed_deployment();
  std::map<std::string, std::string> env = deployment.env;
  const std::string api_url = "http://127.0.0.1:" + std::to_string(deployment.api_port);
  env["SOUNDSCRIPTER_HOME"] = home.string();
  env["SOUNDSCRIPTER_BIN"] = SOUNDSCRIPTER_BINARY;
  env["SOUNDSCRIPTER_WORKER_PROCESSES"] = "2";
  env["SOUNDSCRIPTER_DATA_DIR"] = (home / "data").string();
  env["SOUNDSCRIPTER_PORT"] = std::to_string(deployment.api_port);
  env["SOUNDSCRIPTER_API_URL"] = api_url;
  env["SOUNDSCRIPTER_ENGINE"] = "whisper";
  env["SOUNDSCRIPTER_MODEL"] = random_whisper_model("test").string();
  env["SOUNDSCRIPTER_THREADS"] = "1";
  env["SOUNDSCRIPTER_SLOTS"] = "1";
  env["SOUNDSCRIPTER_SPLIT_CHUNKS"] = "false";  // one worker holds the whole job
  Supervisor supervisor(home, env);

  ServiceApi api(api_url);
  ASSERT_TRUE(eventually([&] { return api.http().get("/healthz").status == 200; }, 60s))
      << supervisor.log("api");
  ASSERT_TRUE(eventually([&] { return api.http().get("/v1/workers").json()["workers"].size() == 2; }, 60s))
      << api.http().get("/v1/workers").body << "\n" << supervisor.log("api");
  // RUNNING once each has stayed up for startsecs.
  const auto all_running = [&] {
    const std::string status = supervisor.ctl({"status"}).out;
    return std::regex_search(status, std::regex(R"(api\s+RUNNING)")) &&
           std::regex_search(status, std::regex(R"(worker:worker-0\s+RUNNING)")) &&
           std::regex_search(status, std::regex(R"(worker:worker-1\s+RUNNING)"));
  };
  EXPECT_TRUE(eventually(all_running, 30s)) << supervisor.ctl({"status"}).out;

  const std::string id = api.submit_ok(long_speech_file(10));
  ASSERT_EQ(api.wait_for_state(id, {"processing"})["state"], "processing");
  // The worker that holds it: its id is HOST-PID-RANDOM.
  std::string holder;
  nlohmann::json seen;
  ASSERT_TRUE(eventually([&] {
    seen = api.http().get("/v1/workers").json();
    for (const auto& worker : seen["workers"]) {
      for (const auto& job : worker["jobs"]) {
        if (job == id) holder = worker["id"];
      }
    }
    return !holder.empty();
  }, 30s)) << seen.dump() << "\n" << api.job(id).dump();
  std::string killed_name;
  pid_t killed_pid = 0;
  for (const std::string name : {"worker:worker-0", "worker:worker-1"}) {
    const pid_t pid = supervisor.pid_of(name);
    if (holder.find("-" + std::to_string(pid) + "-") != std::string::npos) {
      killed_name = name;
      killed_pid = pid;
    }
  }
  ASSERT_FALSE(killed_name.empty()) << "no supervised worker is " << holder << ":\n"
                                    << supervisor.ctl({"status"}).out;
  ASSERT_EQ(::kill(killed_pid, SIGKILL), 0);

  // Supervisor starts it again, under a new pid.
  EXPECT_TRUE(eventually([&] {
    const pid_t now = supervisor.pid_of(killed_name);
    return now > 0 && now != killed_pid;
  }, 30s)) << supervisor.ctl({"status"}).out;
  const nlohmann::json finished = api.wait_until_finished(id, 300s);
  EXPECT_EQ(finished["state"], "completed") << finished.dump();
  EXPECT_EQ(finished["attempts"], 2) << finished.dump();
  EXPECT_NE(supervisor.log(killed_name.substr(killed_name.find(':') + 1)).find("ready"), std::string::npos);

  // A clean shutdown stops every program.
  const pid_t api_pid = supervisor.pid_of("api");
  ASSERT_GT(api_pid, 0);
  EXPECT_EQ(supervisor.ctl({"shutdown"}).exit_code, 0);
  EXPECT_TRUE(eventually([&] { return !alive(api_pid); }, 60s));
  EXPECT_TRUE(eventually([&] { return !alive(supervisor.supervisord_pid()); }, 60s));
}

}  // namespace
}  // namespace soundscripter::test
