// The base of the service_* integration tests: starts servers for a test,
// stops them afterwards, and prints their logs when the test failed, so a
// failure shows what the server said about it.
//
// CTest runs the service suite twice. The second time, with
// SOUNDSCRIPTER_TEST_MODE=distributed, every server a test starts is the
// API alone on PostgreSQL (a fresh database), RabbitMQ (its own queue) and
// Redis, and the jobs run in separate `soundscripter worker` processes, one
// per worker slot the test asked for: the same tests, the same answers.
#pragma once

#include <gtest/gtest.h>

#include <iostream>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "support/serve_process.hpp"
#include "support/service_api.hpp"
#include "support/test_models.hpp"
#include "support/test_paths.hpp"

namespace soundscripter::test {

// Flags for a server that runs jobs on the random-weight "test" Whisper
// model (the fastest real engine; under a second for jfk), one thread per
// job, `workers` at once. multilingual: a model that can also translate.
inline std::vector<std::string> fast_whisper_server_args(int workers = 2, bool multilingual = false) {
  return {"--engine", "whisper", "--model", random_whisper_model("test", multilingual).string(),
          "--threads-per-job", "1", "--workers", std::to_string(workers)};
}

bool distributed_test_mode();
int free_tcp_port();

// The flags and environment of one distributed deployment for a test: a
// fresh database, its own queue, and a fixed API port (workers fetch media
// from the API, so it keeps its address across restarts).
struct DistributedDeployment {
  std::map<std::string, std::string> env;  // SOUNDSCRIPTER_BROKER_URL, ...
  int api_port = 0;
};
DistributedDeployment new_distributed_deployment();

// Splits `serve` flags into the API's and each worker's: --workers N becomes
// N workers of one slot, --threads-per-job their --threads; the engine,
// model, chunking (and splitting) and shutdown grace go to both.
struct SplitArgs {
  std::vector<std::string> api;
  std::vector<std::string> worker;
  int workers = 1;
};
SplitArgs split_for_distributed(const std::vector<std::string>& serve_args);

class ServiceTest : public ::testing::Test {
 protected:
  // Starts a server (fails the test at once when it does not start); in
  // distributed mode, with its workers.
  ServeProcess& start_server(ServeProcess::Options options) {
    if (!distributed_) {
      servers_.push_back(std::make_unique<ServeProcess>(std::move(options)));
      return *servers_.back();
    }
    const DistributedDeployment deployment = new_distributed_deployment();
    SplitArgs split = split_for_distributed(options.args);
    ServeProcess::Options api = options;
    api.args = split.api;
    api.args.insert(api.args.end(), {"--port", std::to_string(deployment.api_port)});
    for (const auto& [name, value] : deployment.env) api.env[name] = value;
    for (const auto& [name, value] : deployment_overrides_) api.env[name] = value;
    servers_.push_back(std::make_unique<ServeProcess>(api));
    ServeProcess& server = *servers_.back();
    for (int i = 0; i < split.workers; ++i) {
      ServeProcess::Options worker = api;
      worker.command = "worker";
      worker.args = split.worker;
      worker.args.insert(worker.args.end(), {"--api-url", server.base_url()});
      workers_.push_back(std::make_unique<ServeProcess>(worker));
    }
    return server;
  }

  // The worker processes of distributed mode (empty in embedded mode).
  std::vector<std::unique_ptr<ServeProcess>>& workers() { return workers_; }

  // Another API process of the same deployment as `first` (same database,
  // broker, Redis and media directory, no workers), on its own port.
  ServeProcess& start_another_api(const ServeProcess& first) {
    ServeProcess::Options options = first.options();
    options.args.insert(options.args.end(), {"--port", std::to_string(free_tcp_port()),
                                             "--data-dir", first.data_dir().string()});
    servers_.push_back(std::make_unique<ServeProcess>(options));
    return *servers_.back();
  }

  // Whether start_server starts a distributed deployment.
  bool distributed_ = distributed_test_mode();
  // Settings that replace the deployment's (e.g. a broker of the test's own).
  std::map<std::string, std::string> deployment_overrides_;
  ServeProcess& start_server(std::vector<std::string> args = fast_whisper_server_args()) {
    return start_server(ServeProcess::Options{std::move(args), {}, std::chrono::seconds(60)});
  }

  void TearDown() override {
    if (HasFailure()) {
      for (const auto& server : servers_) {
        std::cerr << "server log (" << server->data_dir() << "):\n" << server->log() << "\n";
      }
      for (const auto& worker : workers_) std::cerr << "worker log:\n" << worker->log() << "\n";
    }
    workers_.clear();
    servers_.clear();
  }

 private:
  std::vector<std::unique_ptr<ServeProcess>> servers_;
  std::vector<std::unique_ptr<ServeProcess>> workers_;
};

}  // namespace soundscripter::test
