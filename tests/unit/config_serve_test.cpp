// The serve configuration: precedence of the four sources, origins, error
// messages that name the source and line, and the checks before start-up.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "app/config_file.hpp"
#include "app/serve_config.hpp"
#include "support/temp_dir.hpp"
#include "util/error.hpp"

namespace soundscripter {
namespace {

namespace fs = std::filesystem;

class config_serve : public ::testing::Test {
 protected:

  fs::path write_config(const std::string& text) {
    const fs::path path = dir_ / "serve.toml";
    std::ofstream(path) << text;
    return path;
  }

  // Parses args as the serve command would and resolves them.
  ResolvedServeConfig resolve(std::vector<std::string> args, const Environment& environment = {{"HOME", "/home/u"}}) {
    CLI::App app;
    ServeCommandLine command_line;
    add_serve_options(app, command_line, default_serve_config(environment, 8));
    std::reverse(args.begin(), args.end());  // CLI11 takes them last first
    app.parse(args);
    return resolve_serve_config(command_line, environment, 8);
  }

  test::TempDir temp_{"config"};
  const fs::path& dir_ = temp_.path();
};

TEST_F(config_serve, DefaultsWorkOutOfTheBox) {
  const auto resolved = resolve({});
  const ServeConfig& config = resolved.config;
  EXPECT_EQ(config.host, "127.0.0.1");
  EXPECT_EQ(config.port, 8000);
  EXPECT_EQ(config.data_dir, "/home/u/.local/share/soundscripter");
  EXPECT_EQ(config.threads_per_job, 4);
  EXPECT_EQ(config.worker_count(8), 2);
  EXPECT_EQ(config.max_upload_size, 1ull << 30);
  EXPECT_EQ(config.retention, std::chrono::hours(24 * 7));
  EXPECT_EQ(config.log_format, LogFormat::json);
  EXPECT_TRUE(resolved.problems.empty());
  EXPECT_EQ(resolved.origin("port"), "default");
  EXPECT_NO_THROW(validate_serve_config(resolved));
  EXPECT_EQ(resolve({}, {{"XDG_DATA_HOME", "/xdg"}, {"HOME", "/home/u"}}).config.data_dir, "/xdg/soundscripter");
  EXPECT_EQ(resolve({}, {{"XDG_DATA_HOME", "relative"}, {"HOME", "/home/u"}}).config.data_dir,
            "/home/u/.local/share/soundscripter");
}

TEST_F(config_serve, FlagsBeatEnvironmentBeatsFileBeatsDefaults) {
  const fs::path file = write_config(
      "# comment\n"
      "port = 8001\n"
      "host = \"127.0.0.2\"  # quoted, with a comment\n"
      "max-upload-size = 500M\n"
      "retention = '12h'\n"
      "data_dir = data\n");
  const auto resolved = resolve({"--config", file.string(), "--port", "8003"},
                                {{"HOME", "/home/u"}, {"SOUNDSCRIPTER_PORT", "8002"}, {"SOUNDSCRIPTER_HOST", "localhost"},
                                 {"SOUNDSCRIPTER_WORKERS", ""}});
  ASSERT_TRUE(resolved.problems.empty()) << resolved.problems.front();
  EXPECT_EQ(resolved.config.port, 8003);
  EXPECT_EQ(resolved.origin("port"), "flag --port");
  EXPECT_EQ(resolved.config.host, "localhost");
  EXPECT_EQ(resolved.origin("host"), "env SOUNDSCRIPTER_HOST");
  EXPECT_EQ(resolved.config.max_upload_size, 500ull << 20);
  EXPECT_EQ(resolved.origin("max_upload_size"), "file " + file.string() + ":4");
  EXPECT_EQ(resolved.config.retention, std::chrono::hours(12));
  EXPECT_EQ(resolved.config.data_dir, dir_ / "data") << "relative to the config file";
  EXPECT_EQ(resolved.origin("workers"), "default") << "an empty variable counts as unset";
}

TEST_F(config_serve, ConfigFileMayComeFromTheEnvironment) {
  const fs::path file = write_config("port = 9000\n");
  EXPECT_EQ(resolve({}, {{"SOUNDSCRIPTER_CONFIG", file.string()}}).config.port, 9000);
  const fs::path other = dir_ / "other.toml";
  std::ofstream(other) << "port = 9001\n";
  EXPECT_EQ(resolve({"--config", other.string()}, {{"SOUNDSCRIPTER_CONFIG", file.string()}}).config.port, 9001);
}

TEST_F(config_serve, ErrorsNameTheSourceAndLine) {
  const fs::path file = write_config("port = 80\n\nmax_upload_size = 12Q\nprot = 1\nport = 81\n");
  const auto resolved = resolve({"--config", file.string(), "--retention", "soon"},
                                {{"SOUNDSCRIPTER_WORKERS", "-1"}, {"SOUNDSCRIPTER_LOG_FORMAT", "xml"}});
  const std::string f = file.string();
  EXPECT_EQ(resolved.problems,
            (std::vector<std::string>{
                f + ":5: port is already set on line 1",
                f + ":3: max_upload_size: '12Q' is not a size (bytes, or a number with K, M, G or T: 500M)",
                f + ":4: unknown key 'prot'",
                "SOUNDSCRIPTER_WORKERS: '-1' is out of range (0 to 1024)",
                "SOUNDSCRIPTER_LOG_FORMAT: 'xml' is not a log format (json or text)",
                "--retention: 'soon' is not a duration (seconds, or a number with s, m, h or d: 7d)",
            }));
  EXPECT_EQ(resolved.config.max_upload_size, 1ull << 30) << "a refused value keeps the lower source's";
  try {
    validate_serve_config(resolved);
    FAIL() << "no error";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::invalid_argument);
    EXPECT_NE(std::string(error.what()).find("'12Q' is not a size"), std::string::npos);
    EXPECT_NE(std::string(error.what()).find("--retention: 'soon'"), std::string::npos);
  }
  EXPECT_EQ(resolve({"--config", (dir_ / "missing.toml").string()}).problems.at(0),
            (dir_ / "missing.toml").string() + ": cannot read the configuration file: No such file or directory");
}

TEST_F(config_serve, PublicServerLimitsHaveSafeDefaultsAndRefuseUnusableValues) {
  const ServeConfig defaults = resolve({}).config;
  EXPECT_EQ(defaults.header_timeout, std::chrono::seconds(10));
  EXPECT_EQ(defaults.keepalive_timeout, std::chrono::seconds(30));
  EXPECT_EQ(defaults.max_connections, 4096);
  EXPECT_EQ(defaults.max_connections_per_client, 256);
  EXPECT_EQ(defaults.max_queued_per_key, 1000);
  EXPECT_EQ(defaults.min_free_disk, 256ull << 20);
  EXPECT_TRUE(defaults.cors_origins.empty()) << "CORS is off unless origins are listed";

  const auto set = resolve({"--header-timeout", "3s", "--max-connections-per-client", "20", "--min-free-disk", "0",
                            "--cors-origins", "https://app.example.com, http://localhost:5173"});
  EXPECT_TRUE(set.problems.empty()) << set.problems.front();
  EXPECT_EQ(set.config.header_timeout, std::chrono::seconds(3));
  EXPECT_EQ(set.config.max_connections_per_client, 20);
  EXPECT_EQ(set.config.min_free_disk, 0u);
  EXPECT_EQ(set.config.cors_origins,
            (std::vector<std::string>{"https://app.example.com", "http://localhost:5173"}));
  const std::string shown = show_serve_config(set);
  for (const char* line : {"header_timeout = \"3s\"", "max_connections_per_client = 20",
                           "cors_origins = \"https://app.example.com,http://localhost:5173\""}) {
    EXPECT_NE(shown.find(line), std::string::npos) << line << " in\n" << shown;
  }

  try {
    validate_serve_config(resolve({"--tls-cert", "/etc/cert.pem"}));
    ADD_FAILURE() << "a certificate without its key was accepted";
  } catch (const Error& error) {
    EXPECT_NE(std::string(error.what()).find("both tls_cert and tls_key"), std::string::npos) << error.what();
  }
  EXPECT_NO_THROW(validate_serve_config(resolve({"--tls-cert", "/etc/cert.pem", "--tls-key", "/etc/key.pem"})));

  for (const auto& [flag, value] : std::vector<std::pair<std::string, std::string>>{
           {"--header-timeout", "0"}, {"--transfer-timeout", "0s"}, {"--max-connections", "-1"},
           {"--cors-origins", "app.example.com"}, {"--cors-origins", "https://app.example.com/page"}}) {
    const auto refused = resolve({flag, value});
    ASSERT_EQ(refused.problems.size(), 1u) << flag << " " << value;
    EXPECT_NE(refused.problems.front().find(value), std::string::npos) << refused.problems.front();
  }
}

TEST_F(config_serve, PublicHostNeedsKeysOrAllowPublic) {
  try {
    validate_serve_config(resolve({"--host", "0.0.0.0"}));
    FAIL() << "no error";
  } catch (const Error& error) {
    EXPECT_EQ(std::string(error.what()),
              "host 0.0.0.0 (flag --host) accepts connections from other machines, but no API keys are configured: "
              "set --api-keys-file or SOUNDSCRIPTER_API_KEYS, or --allow-public to serve without keys");
  }
  EXPECT_NO_THROW(validate_serve_config(resolve({"--host", "0.0.0.0", "--allow-public"})));
  EXPECT_NO_THROW(validate_serve_config(resolve({"--host", "::"}, {{"SOUNDSCRIPTER_API_KEYS", "alice: k1, k2"}})));
  const auto with_keys = resolve({}, {{"SOUNDSCRIPTER_API_KEYS", "alice: k1, ,k2"}});
  EXPECT_EQ(with_keys.config.api_keys, (std::vector<std::string>{"alice: k1", "k2"}));
}

TEST_F(config_serve, LoopbackHosts) {
  for (const char* host : {"localhost", "127.0.0.1", "127.1.2.3", "127.1", "::1", "[::1]", "::ffff:127.0.0.1"}) {
    EXPECT_TRUE(is_loopback_host(host)) << host;
  }
  for (const char* host : {"0.0.0.0", "::", "[::]", "192.168.1.2", "10.1", "example.com", "128.0.0.1", ""}) {
    EXPECT_FALSE(is_loopback_host(host)) << host;
  }
}

TEST_F(config_serve, ShowConfigSaysWhereEachValueCameFromAndHidesSecrets) {
  const auto resolved = resolve({"--port", "8080"}, {{"HOME", "/home/u"},
                                                     {"SOUNDSCRIPTER_API_KEYS", "secret-key-1,secret-key-2"},
                                                     {"SOUNDSCRIPTER_BROKER_URL", "amqp://user:hunter2@rabbit:5672/"}});
  const std::string shown = show_serve_config(resolved);
  EXPECT_NE(shown.find("port = 8080"), std::string::npos) << shown;
  EXPECT_NE(shown.find("# flag --port\n"), std::string::npos) << shown;
  EXPECT_NE(shown.find("host = \"127.0.0.1\""), std::string::npos) << shown;
  EXPECT_NE(shown.find("max_upload_size = \"1G\""), std::string::npos) << shown;
  EXPECT_NE(shown.find("# api_keys: 2 keys, not shown"), std::string::npos) << shown;
  EXPECT_NE(shown.find("amqp://user:***@rabbit:5672/"), std::string::npos) << shown;
  EXPECT_EQ(shown.find("secret-key"), std::string::npos) << shown;
  EXPECT_EQ(shown.find("hunter2"), std::string::npos) << shown;
  // What --show-config prints reads back as a config file with the same values.
  const fs::path file = write_config(shown);
  const auto reread = resolve({"--config", file.string()}, {{"HOME", "/home/u"}});
  EXPECT_TRUE(reread.problems.empty()) << reread.problems.front();
  EXPECT_EQ(reread.config.port, 8080);
  EXPECT_EQ(reread.config.max_upload_size, 1ull << 30);
  EXPECT_EQ(reread.config.data_dir, "/home/u/.local/share/soundscripter");
}

TEST_F(config_serve, HelpListsEveryOptionWithItsEnvironmentNameAndDefault) {
  CLI::App app;
  ServeCommandLine command_line;
  add_serve_options(app, command_line, default_serve_config({{"HOME", "/home/u"}}, 8));
  const std::string help = app.help();
  for (const char* expected :
       {"--host", "SOUNDSCRIPTER_HOST", "--max-upload-size", "SOUNDSCRIPTER_MAX_UPLOAD_SIZE", "default: 1G",
        "--allow-public", "--retention", "default: 7d", "--data-dir", "/home/u/.local/share/soundscripter",
        "--config", "SOUNDSCRIPTER_CONFIG", "--show-config", "SOUNDSCRIPTER_API_KEYS", "--broker-url",
        "--shutdown-grace", "--chunk-length", "--log-format", "--workers"}) {
    EXPECT_NE(help.find(expected), std::string::npos) << expected << "\n" << help;
  }
  EXPECT_EQ(help.find("--api-keys "), std::string::npos) << "keys never go on the command line";
}

TEST(config_file, QuotedValuesEscapesAndProblems) {
  const auto contents = parse_config_text(
      "a = \"x \\\"y\\\" \\\\ # not a comment\"\n"
      "b = 'C:\\dir'\n"
      "c = bare words   # comment\n"
      "[serve]\n"
      "no equals\n"
      "d = \"open\n"
      "e = \"x\" y\n"
      "f = [1, 2]\n",
      "t.toml");
  ASSERT_EQ(contents.entries.size(), 3u);
  EXPECT_EQ(contents.entries[0].value, "x \"y\" \\ # not a comment");
  EXPECT_EQ(contents.entries[1].value, "C:\\dir");
  EXPECT_EQ(contents.entries[2].value, "bare words");
  EXPECT_EQ(contents.problems,
            (std::vector<std::string>{"t.toml:4: sections are not supported: write key = value lines only",
                                      "t.toml:5: expected key = value",
                                      "t.toml:6: d: the quoted value has no closing \"",
                                      "t.toml:7: e: unexpected text after the quoted value",
                                      "t.toml:8: f: arrays are not supported: write a comma list in one string"}));
}

}  // namespace
}  // namespace soundscripter
