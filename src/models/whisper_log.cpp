#include "models/whisper_log.hpp"

#include <parakeet.h>
#include <spdlog/spdlog.h>
#include <whisper.h>

#include <algorithm>
#include <cctype>
#include <mutex>

namespace soundscripter {
namespace {

constexpr std::size_t kMaxLines = 64;
thread_local WhisperLogLines t_lines;

// "whisper_model_load: ERROR not all tensors loaded" -> "not all tensors
// loaded": the function name and the shouting help nobody who reads it.
std::string readable_line(std::string line) {
  while (!line.empty() && (line.back() == '\n' || line.back() == ' ')) line.pop_back();
  const auto colon = line.find(": ");
  const bool starts_with_function_name =
      colon != std::string::npos && colon > 0 &&
      std::all_of(line.begin(), line.begin() + static_cast<std::ptrdiff_t>(colon),
                  [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; });
  if (starts_with_function_name) line.erase(0, colon + 2);
  if (line.starts_with("ERROR ")) line.erase(0, 6);
  return line;
}

void on_whisper_log(ggml_log_level level, const char* text, void*) {
  std::string line = readable_line(text ? text : "");
  if (line.empty()) return;
  spdlog::debug("whisper.cpp: {}", line);
  if (level != GGML_LOG_LEVEL_ERROR && level != GGML_LOG_LEVEL_WARN) return;
  auto& lines = level == GGML_LOG_LEVEL_ERROR ? t_lines.errors : t_lines.warnings;
  if (lines.size() < kMaxLines) lines.push_back(std::move(line));
}

}  // namespace

void install_whisper_log() {
  static std::once_flag once;
  std::call_once(once, [] {
    whisper_log_set(on_whisper_log, nullptr);
    parakeet_log_set(on_whisper_log, nullptr);  // the same library family and format
  });
}

WhisperLogLines take_whisper_log() { return std::exchange(t_lines, {}); }

std::string WhisperLogLines::summary() const {
  std::vector<std::string> telling;
  for (const auto& line : errors) {
    if (line.find("failed to load model") == std::string::npos) telling.push_back(line);
  }
  const auto& chosen = telling.empty() ? errors : telling;
  std::string joined;
  const std::size_t first = chosen.size() > 3 ? chosen.size() - 3 : 0;
  for (std::size_t i = first; i < chosen.size(); ++i) {
    joined += (joined.empty() ? "" : "; ") + chosen[i];
  }
  return joined;
}

bool WhisperLogLines::warned(std::string_view fragment) const {
  return std::any_of(warnings.begin(), warnings.end(),
                     [&](const std::string& line) { return line.find(fragment) != std::string::npos; });
}

}  // namespace soundscripter
