#include "engine/whisper_log.hpp"

#include <spdlog/spdlog.h>
#include <whisper.h>

#include <mutex>

namespace soundscripter {
namespace {

// Per thread, so a model failing to load in one worker never blames another.
thread_local std::string t_errors;

void on_whisper_log(ggml_log_level level, const char* text, void*) {
  std::string line(text ? text : "");
  while (!line.empty() && (line.back() == '\n' || line.back() == ' ')) line.pop_back();
  if (line.empty()) return;
  if (level == GGML_LOG_LEVEL_ERROR || level == GGML_LOG_LEVEL_WARN) {
    if (t_errors.size() < 4096) t_errors += (t_errors.empty() ? "" : "; ") + line;
  }
  spdlog::debug("whisper.cpp: {}", line);
}

}  // namespace

void install_whisper_log() {
  static std::once_flag once;
  std::call_once(once, [] { whisper_log_set(on_whisper_log, nullptr); });
}

std::string take_whisper_errors() { return std::exchange(t_errors, {}); }

}  // namespace soundscripter
