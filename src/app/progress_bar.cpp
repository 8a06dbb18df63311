#include "app/progress_bar.hpp"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace soundscripter {
namespace {
constexpr int kBarCells = 30;
}

bool ProgressBar::stderr_is_terminal() { return isatty(STDERR_FILENO) == 1; }

ProgressBar::ProgressBar(std::string label)
    : label_(std::move(label)), terminal_(stderr_is_terminal()) {}

void ProgressBar::update(double fraction, const std::string& detail) {
  fraction = std::clamp(fraction, 0.0, 1.0);
  const int percent = static_cast<int>(std::floor(fraction * 100));
  if (!terminal_) {
    int step = percent / 10;
    if (step == last_step_) return;
    last_step_ = step;
    std::fprintf(stderr, "%s: %d%% %s\n", label_.c_str(), percent, detail.c_str());
    return;
  }
  const int filled = static_cast<int>(fraction * kBarCells);
  std::string bar(static_cast<std::size_t>(filled), '#');
  bar.append(static_cast<std::size_t>(kBarCells - filled), '.');
  char line[512];
  std::snprintf(line, sizeof line, "%s [%s] %3d%% %s", label_.c_str(), bar.c_str(), percent,
                detail.c_str());
  std::string text = line;
  // Pad with blanks so a shorter line fully covers the previous one.
  std::size_t width = text.size();
  if (width < last_width_) text.append(last_width_ - width, ' ');
  last_width_ = width;
  last_bar_ = line;
  std::fprintf(stderr, "\r%s", text.c_str());
  std::fflush(stderr);
}

void ProgressBar::finish(const std::string& message) {
  if (terminal_) {
    std::string text = label_ + ": " + message;
    if (text.size() < last_width_ + 8) text.append(last_width_ + 8 - text.size(), ' ');
    std::fprintf(stderr, "\r%s\n", text.c_str());
  } else {
    std::fprintf(stderr, "%s: %s\n", label_.c_str(), message.c_str());
  }
}

void ProgressBar::print_line(const std::string& line) {
  if (!terminal_ || last_bar_.empty()) {
    std::fprintf(stderr, "%s\n", line.c_str());
    return;
  }
  std::string text = line;
  if (text.size() < last_width_) text.append(last_width_ - text.size(), ' ');
  std::fprintf(stderr, "\r%s\n%s", text.c_str(), last_bar_.c_str());
  last_width_ = last_bar_.size();
  std::fflush(stderr);
}

std::string format_clock(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0) return "?";
  auto total = static_cast<long long>(std::llround(seconds));
  char text[32];
  if (total >= 3600) {
    std::snprintf(text, sizeof text, "%lld:%02lld:%02lld", total / 3600, total / 60 % 60, total % 60);
  } else {
    std::snprintf(text, sizeof text, "%lld:%02lld", total / 60, total % 60);
  }
  return text;
}

std::string human_size(std::uint64_t bytes) {
  if (bytes == 0) return "?";
  char text[32];
  if (bytes >= 1'000'000'000) {
    std::snprintf(text, sizeof text, "%.2f GB", static_cast<double>(bytes) / 1e9);
  } else {
    std::snprintf(text, sizeof text, "%.1f MB", static_cast<double>(bytes) / 1e6);
  }
  return text;
}

}  // namespace soundscripter
