// The worker's configuration: the same key table as serve, its own flags,
// and the checks that name what a worker lacks.
#include <gtest/gtest.h>

#include <fstream>

#include "app/serve_config.hpp"
#include "app/serve_config_keys.hpp"
#include "support/temp_dir.hpp"
#include "util/error.hpp"

namespace soundscripter {
namespace {

ResolvedServeConfig resolve_worker(std::vector<std::string> args, const Environment& environment = {{"HOME", "/home/u"}}) {
  CLI::App app;
  ServeCommandLine command_line;
  add_serve_options(app, command_line, default_serve_config(environment, 8), kForWorker);
  std::reverse(args.begin(), args.end());  // CLI11 takes them last first
  app.parse(args);
  return resolve_serve_config(command_line, environment, 8);
}

std::string validation_message(const ResolvedServeConfig& resolved) {
  try {
    validate_worker_config(resolved);
  } catch (const Error& error) {
    return error.what();
  }
  return "";
}

TEST(config_worker, SlotsAndThreadsAreTheWorkersNamesForWorkersAndThreadsPerJob) {
  const auto resolved = resolve_worker({"--slots", "3", "--threads", "2", "--api-url", "http://api:8000",
                                        "--shutdown-grace", "90s", "--log-level", "debug"});
  EXPECT_EQ(resolved.config.worker_count(8), 3);
  EXPECT_EQ(resolved.config.threads_per_job, 2);
  EXPECT_EQ(resolved.config.api_url, "http://api:8000");
  EXPECT_EQ(resolved.config.shutdown_grace, std::chrono::seconds(90));
  EXPECT_EQ(resolved.config.log_level, "debug");
  EXPECT_TRUE(resolved.problems.empty());
}

// Supervisor gives the API and the workers one environment: SLOTS (a
// worker's) and WORKERS (serve's) fill the same member, yet neither command
// reads the other's.
TEST(config_worker, EachCommandReadsOnlyItsOwnKeysFromTheEnvironmentAndTheFile) {
  test::TempDir dir;
  const auto file = dir.path() / "soundscripter.conf";
  std::ofstream(file) << "port = 9000\nslots = 5\nworkers = 6\nmax_attempts = 4\n";
  const Environment environment{{"HOME", "/home/u"}, {"SOUNDSCRIPTER_SLOTS", "2"}, {"SOUNDSCRIPTER_WORKERS", "0"},
                                {"SOUNDSCRIPTER_CONFIG", file.string()}};
  const auto worker = resolve_worker({}, environment);
  EXPECT_EQ(worker.config.workers, 2);
  EXPECT_EQ(worker.config.max_attempts, 4);  // a key of both
  EXPECT_EQ(worker.config.port, ServeConfig{}.port);
  EXPECT_TRUE(worker.problems.empty());

  CLI::App serve;
  ServeCommandLine command_line;
  add_serve_options(serve, command_line, default_serve_config(environment, 8), kForServe);
  serve.parse(std::vector<std::string>{});
  const auto api = resolve_serve_config(command_line, environment, 8);
  EXPECT_EQ(api.config.workers, 0);
  EXPECT_EQ(api.config.port, 9000);
  EXPECT_EQ(api.config.max_attempts, 4);
}

TEST(config_worker, ServeHasNoWorkerFlagsAndTheWorkerNoServerFlags) {
  EXPECT_THROW(resolve_worker({"--port", "9000"}), CLI::ParseError);
  EXPECT_THROW(resolve_worker({"--max-upload-size", "1G"}), CLI::ParseError);
  CLI::App serve;
  ServeCommandLine command_line;
  add_serve_options(serve, command_line, default_serve_config({{"HOME", "/home/u"}}, 8), kForServe);
  EXPECT_THROW(serve.parse(std::vector<std::string>{"http://api", "--api-url"}), CLI::ParseError);
}

TEST(config_worker, EveryFlagTakesTheKindOfValueItsKeyParses) {
  // A key's trailing fields are positional: a slip there would make a
  // setting a switch or a secret without anyone noticing.
  for (const auto& key : serve_config_keys()) {
    if (key.is_switch) {
      EXPECT_TRUE(key.name == "allow_public" || key.name == "public_metrics") << key.name;
    }
    if (key.secret) {
      EXPECT_EQ(key.name, "api_keys") << key.name;
    }
    EXPECT_NE(key.commands, 0u) << key.name;
  }
}

TEST(config_worker, AWorkerWithoutItsServersSaysWhichAreMissing) {
  const std::string message = validation_message(resolve_worker({}));
  EXPECT_NE(message.find("broker_url (--broker-url or SOUNDSCRIPTER_BROKER_URL)"), std::string::npos) << message;
  EXPECT_NE(message.find("redis_url"), std::string::npos) << message;
  EXPECT_NE(message.find("database_url"), std::string::npos) << message;
  EXPECT_NE(message.find("api_url"), std::string::npos) << message;

  const auto complete = resolve_worker({}, {{"HOME", "/home/u"},
                                            {"SOUNDSCRIPTER_BROKER_URL", "amqp://mq/"},
                                            {"SOUNDSCRIPTER_REDIS_URL", "redis://cache"},
                                            {"SOUNDSCRIPTER_DATABASE_URL", "postgresql://db/jobs"},
                                            {"SOUNDSCRIPTER_MEDIA_DIR", "/shared/media"}});
  EXPECT_EQ(validation_message(complete), "");
  EXPECT_EQ(complete.config.media_dir, "/shared/media");
}

}  // namespace
}  // namespace soundscripter
