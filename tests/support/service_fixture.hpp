// The base of the service_* integration tests: starts servers for a test,
// stops them afterwards, and prints their logs when the test failed, so a
// failure shows what the server said about it.
#pragma once

#include <gtest/gtest.h>

#include <iostream>
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

class ServiceTest : public ::testing::Test {
 protected:
  // Starts a server (fails the test at once when it does not start).
  ServeProcess& start_server(ServeProcess::Options options) {
    servers_.push_back(std::make_unique<ServeProcess>(std::move(options)));
    return *servers_.back();
  }
  ServeProcess& start_server(std::vector<std::string> args = fast_whisper_server_args()) {
    return start_server(ServeProcess::Options{std::move(args), {}, std::chrono::seconds(60)});
  }

  void TearDown() override {
    if (HasFailure()) {
      for (const auto& server : servers_) {
        std::cerr << "server log (" << server->data_dir() << "):\n" << server->log() << "\n";
      }
    }
    servers_.clear();
  }

 private:
  std::vector<std::unique_ptr<ServeProcess>> servers_;
};

}  // namespace soundscripter::test
