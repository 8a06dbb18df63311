// Structured logs: one JSON object per line on stderr, with the job and
// request ids of whatever the logging thread is working on.
//
//   {"ts":"2026-11-27T08:00:00.123Z","level":"info","msg":"job completed","job":"j_abc","duration_s":4.2}
//
// Code logs with spdlog as usual; LogContext adds fields to every line the
// current thread logs while it is alive, so a worker sets the job id once.
#pragma once

#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <spdlog/spdlog.h>

namespace soundscripter {

enum class LogFormat { json, text };

// Sets the default logger's format and level ("debug", "info", "warn", "error").
// Throws Error(invalid_argument) for an unknown level.
void configure_logging(LogFormat format, const std::string& level);

// "json" or "text"; throws Error(invalid_argument) naming the choices.
LogFormat parse_log_format(std::string_view name);
std::string_view to_string(LogFormat format);

// "trace", "debug", "info", "warn", "error", "critical" or "off";
// throws Error(invalid_argument) naming the choices.
spdlog::level::level_enum parse_log_level(std::string_view name);

// The formatter configure_logging installs, for any sink (tests capture
// lines with an ostream sink). Context fields are those of the thread that
// formats, so use it with synchronous loggers only.
std::unique_ptr<spdlog::formatter> make_log_formatter(LogFormat format);

// Fields added to every line this thread logs while the object lives.
// Nested contexts add to the outer ones.
class LogContext {
 public:
  explicit LogContext(std::vector<std::pair<std::string, std::string>> fields);
  // LogContext context({{"job", id}}): with one field, the vector overload
  // alone would be ambiguous with the (deleted) copy constructor.
  LogContext(std::initializer_list<std::pair<std::string, std::string>> fields)
      : LogContext(std::vector<std::pair<std::string, std::string>>(fields)) {}
  ~LogContext();
  LogContext(const LogContext&) = delete;
  LogContext& operator=(const LogContext&) = delete;

 private:
  std::size_t previous_size_;
};

// The fields of the current thread's contexts, outermost first.
const std::vector<std::pair<std::string, std::string>>& log_context_fields();

}  // namespace soundscripter
