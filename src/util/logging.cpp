// Log lines as JSON objects (for log collectors) or as spdlog's usual text
// (for people at a terminal), both carrying the thread's LogContext fields.
//
// The context lives in a thread_local vector: a worker thread sets the job id
// once and every line it logs, down to whisper.cpp's captured output, names
// the job. Formatting runs on the logging thread because the loggers here
// are synchronous; an async logger would read the wrong thread's context.
#include "util/logging.hpp"

#include <chrono>
#include <cstdio>
#include <ctime>

#include <nlohmann/json.hpp>
#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/sinks/stdout_sinks.h>

#include "util/error.hpp"

namespace soundscripter {
namespace {

using Fields = std::vector<std::pair<std::string, std::string>>;

Fields& thread_fields() {
  thread_local Fields fields;
  return fields;
}

// "warning" is spdlog's name; "warn" is what configure_logging accepts and
// what most log tools expect, so lines use the same word as the setting.
std::string_view level_name(spdlog::level::level_enum level) {
  if (level == spdlog::level::warn) return "warn";
  const auto name = spdlog::level::to_string_view(level);
  return {name.data(), name.size()};
}

// 2026-11-27T08:00:00.123Z
std::string utc_timestamp(spdlog::log_clock::time_point time) {
  const auto since_epoch = time.time_since_epoch();
  const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(since_epoch);
  const auto millis = std::chrono::duration_cast<std::chrono::milliseconds>(since_epoch - seconds).count();
  const std::time_t whole = static_cast<std::time_t>(seconds.count());
  std::tm utc{};
  gmtime_r(&whole, &utc);
  char text[32];
  const auto length = std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S", &utc);
  std::snprintf(text + length, sizeof text - length, ".%03dZ", static_cast<int>(millis));
  return text;
}

class JsonFormatter final : public spdlog::formatter {
 public:
  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
    // ordered_json keeps ts, level and msg first, which is what people scan for.
    nlohmann::ordered_json line;
    line["ts"] = utc_timestamp(msg.time);
    line["level"] = level_name(msg.level);
    line["msg"] = std::string(msg.payload.data(), msg.payload.size());
    for (const auto& [key, value] : thread_fields()) {
      // A context may not overwrite the line's own keys; an inner context
      // may overwrite an outer one's field (the innermost value wins).
      if (key == "ts" || key == "level" || key == "msg") continue;
      line[key] = value;
    }
    // Bytes that are not UTF-8 (a file name, a engine's output) must not
    // make logging throw: replace them instead.
    const std::string text = line.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
    dest.append(text.data(), text.data() + text.size());
    dest.push_back('\n');
  }
  std::unique_ptr<spdlog::formatter> clone() const override { return std::make_unique<JsonFormatter>(); }
};

// " job=j_abc request=r1" after the message; values with spaces are quoted
// (logfmt style) so the line still splits into key=value pairs.
class ContextFlag final : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg&, const std::tm&, spdlog::memory_buf_t& dest) override {
    for (const auto& [key, value] : thread_fields()) {
      dest.push_back(' ');
      dest.append(key.data(), key.data() + key.size());
      dest.push_back('=');
      const bool quote = value.empty() || value.find_first_of(" \t\r\n\"=") != std::string::npos;
      if (!quote) {
        dest.append(value.data(), value.data() + value.size());
        continue;
      }
      const std::string quoted = nlohmann::json(value).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
      dest.append(quoted.data(), quoted.data() + quoted.size());
    }
  }
  std::unique_ptr<custom_flag_formatter> clone() const override { return std::make_unique<ContextFlag>(); }
};

}  // namespace

LogContext::LogContext(std::vector<std::pair<std::string, std::string>> fields)
    : previous_size_(thread_fields().size()) {
  auto& all = thread_fields();
  for (auto& field : fields) all.push_back(std::move(field));
}

LogContext::~LogContext() { thread_fields().resize(previous_size_); }

const std::vector<std::pair<std::string, std::string>>& log_context_fields() { return thread_fields(); }

LogFormat parse_log_format(std::string_view name) {
  if (name == "json") return LogFormat::json;
  if (name == "text") return LogFormat::text;
  throw Error(ErrorCode::invalid_argument, "'" + std::string(name) + "' is not a log format (json or text)");
}

std::string_view to_string(LogFormat format) { return format == LogFormat::json ? "json" : "text"; }

spdlog::level::level_enum parse_log_level(std::string_view name) {
  using spdlog::level::level_enum;
  static constexpr std::pair<std::string_view, level_enum> levels[] = {
      {"trace", level_enum::trace}, {"debug", level_enum::debug},
      {"info", level_enum::info},   {"warn", level_enum::warn},
      {"warning", level_enum::warn}, {"error", level_enum::err},
      {"critical", level_enum::critical}, {"off", level_enum::off}};
  for (const auto& [level_name_text, level] : levels) {
    if (name == level_name_text) return level;
  }
  throw Error(ErrorCode::invalid_argument,
              "'" + std::string(name) + "' is not a log level (trace, debug, info, warn, error, critical or off)");
}

std::unique_ptr<spdlog::formatter> make_log_formatter(LogFormat format) {
  if (format == LogFormat::json) return std::make_unique<JsonFormatter>();
  auto formatter = std::make_unique<spdlog::pattern_formatter>();
  // spdlog's default pattern without the logger name, plus the context.
  formatter->add_flag<ContextFlag>('*').set_pattern("[%Y-%m-%d %H:%M:%S.%e] [%^%l%$] %v%*");
  return formatter;
}

void configure_logging(LogFormat format, const std::string& level) {
  const auto threshold = parse_log_level(level);
  // stderr, never stdout: `transcribe` writes transcripts to stdout.
  // Colors only in text, where a terminal shows them (the sink checks for a tty).
  spdlog::sink_ptr sink;
  if (format == LogFormat::json) {
    sink = std::make_shared<spdlog::sinks::stderr_sink_mt>();
  } else {
    sink = std::make_shared<spdlog::sinks::stderr_color_sink_mt>();
  }
  sink->set_formatter(make_log_formatter(format));
  auto logger = std::make_shared<spdlog::logger>("soundscripter", std::move(sink));
  logger->set_level(threshold);
  logger->flush_on(spdlog::level::warn);
  spdlog::set_default_logger(std::move(logger));
}

}  // namespace soundscripter
