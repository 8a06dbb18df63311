// Log lines: JSON that parses and carries the thread's context fields, text
// with key=value pairs, and contexts that stay on their own thread.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <spdlog/sinks/ostream_sink.h>

#include <regex>
#include <sstream>
#include <thread>

#include "util/error.hpp"
#include "util/logging.hpp"

namespace soundscripter {
namespace {

// A logger that writes into a string, formatted as configure_logging would.
struct CapturedLog {
  explicit CapturedLog(LogFormat format) {
    auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(stream);
    sink->set_formatter(make_log_formatter(format));
    logger = std::make_shared<spdlog::logger>("test", sink);
    logger->set_level(spdlog::level::trace);
  }
  std::vector<std::string> lines() const {
    std::vector<std::string> result;
    std::istringstream in(stream.str());
    for (std::string line; std::getline(in, line);) result.push_back(line);
    return result;
  }
  std::ostringstream stream;
  std::shared_ptr<spdlog::logger> logger;
};

TEST(logging_json, EachLineIsAJsonObjectWithNestedContextFields) {
  CapturedLog log(LogFormat::json);
  log.logger->info("no context");
  {
    LogContext request({{"request", "r1"}});
    {
      LogContext job({{"job", "j_abc"}, {"stage", "decode"}});
      log.logger->warn("quote \" backslash \\ newline \n tab \t and {}", "\xff bad utf-8");
    }
    log.logger->error("after the inner context");
  }
  const auto lines = log.lines();
  ASSERT_EQ(lines.size(), 3u);
  const auto first = nlohmann::json::parse(lines[0]);
  EXPECT_EQ(first["level"], "info");
  EXPECT_EQ(first["msg"], "no context");
  EXPECT_TRUE(std::regex_match(first["ts"].get<std::string>(),
                               std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)")))
      << first["ts"];
  EXPECT_EQ(first.size(), 3u);
  EXPECT_TRUE(lines[0].starts_with("{\"ts\":")) << "ts, level and msg come first";

  const auto second = nlohmann::json::parse(lines[1]);
  EXPECT_EQ(second["level"], "warn");
  EXPECT_EQ(second["request"], "r1");
  EXPECT_EQ(second["job"], "j_abc");
  EXPECT_EQ(second["stage"], "decode");
  EXPECT_NE(second["msg"].get<std::string>().find("quote \" backslash \\ newline \n tab"), std::string::npos);

  const auto third = nlohmann::json::parse(lines[2]);
  EXPECT_EQ(third["request"], "r1");
  EXPECT_FALSE(third.contains("job"));
  EXPECT_TRUE(log_context_fields().empty());
}

TEST(logging_json, ContextsOnOneThreadDoNotLeakIntoAnother) {
  CapturedLog log(LogFormat::json);
  LogContext main_context({{"job", "main"}});
  std::thread other([&] {
    log.logger->info("from the other thread");
    LogContext other_context({{"job", "other"}});
    log.logger->info("with its own context");
  });
  other.join();
  log.logger->info("from the main thread");
  const auto lines = log.lines();
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_FALSE(nlohmann::json::parse(lines[0]).contains("job"));
  EXPECT_EQ(nlohmann::json::parse(lines[1])["job"], "other");
  EXPECT_EQ(nlohmann::json::parse(lines[2])["job"], "main");
}

TEST(logging_json, ContextCannotOverwriteTheLinesOwnKeys) {
  CapturedLog log(LogFormat::json);
  LogContext context({{"msg", "spoofed"}, {"level", "critical"}, {"job", "j1"}});
  log.logger->info("real");
  const auto line = nlohmann::json::parse(log.lines().at(0));
  EXPECT_EQ(line["msg"], "real");
  EXPECT_EQ(line["level"], "info");
  EXPECT_EQ(line["job"], "j1");
}

TEST(logging_text, TextLinesEndWithTheContextAsKeyValuePairs) {
  CapturedLog log(LogFormat::text);
  LogContext context({{"job", "j_abc"}, {"file", "my talk.mp3"}});
  log.logger->info("job completed");
  const auto line = log.lines().at(0);
  EXPECT_TRUE(std::regex_match(line, std::regex(R"(\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}\] \[info\] job completed job=j_abc file="my talk.mp3")")))
      << line;
}

TEST(logging_config, LevelsAndFormatsAreCheckedByName) {
  EXPECT_EQ(parse_log_level("warn"), spdlog::level::warn);
  EXPECT_EQ(parse_log_level("debug"), spdlog::level::debug);
  EXPECT_EQ(parse_log_format("text"), LogFormat::text);
  try {
    configure_logging(LogFormat::json, "loud");
    FAIL();
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::invalid_argument);
    EXPECT_STREQ(error.what(), "'loud' is not a log level (trace, debug, info, warn, error, critical or off)");
  }
  EXPECT_THROW(parse_log_format("xml"), Error);
}

}  // namespace
}  // namespace soundscripter
