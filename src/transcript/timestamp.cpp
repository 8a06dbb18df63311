// SubRip and WebVTT clocks: the same digits with a different separator
// before the milliseconds.
#include "transcript/timestamp.hpp"

#include <cmath>
#include <cstdio>
#include <limits>

namespace soundscripter {
namespace {

std::string clock_string(double seconds, char millisecond_separator) {
  const std::int64_t total_ms = to_milliseconds(seconds);
  const std::int64_t ms = total_ms % 1000;
  const std::int64_t total_s = total_ms / 1000;
  const std::int64_t s = total_s % 60;
  const std::int64_t m = (total_s / 60) % 60;
  const std::int64_t h = total_s / 3600;
  char buffer[48];
  std::snprintf(buffer, sizeof buffer, "%02lld:%02lld:%02lld%c%03lld", static_cast<long long>(h),
                static_cast<long long>(m), static_cast<long long>(s), millisecond_separator,
                static_cast<long long>(ms));
  return buffer;
}

}  // namespace

std::int64_t to_milliseconds(double seconds) {
  if (!(seconds > 0)) return 0;  // also catches NaN
  const double ms = std::round(seconds * 1000.0);
  // Far beyond any real recording; clamped so the conversion to an integer cannot overflow.
  constexpr double max_ms = static_cast<double>(std::numeric_limits<std::int64_t>::max() / 2);
  return static_cast<std::int64_t>(ms < max_ms ? ms : max_ms);
}

std::string srt_timestamp(double seconds) { return clock_string(seconds, ','); }

std::string vtt_timestamp(double seconds) { return clock_string(seconds, '.'); }

}  // namespace soundscripter
