#include "client/reconnect_backoff.hpp"

#include <algorithm>

namespace soundscripter {

std::optional<std::chrono::milliseconds> ReconnectBackoff::next_wait(Clock::time_point now) {
  if (!away_since_) {
    away_since_ = now;
    wait_ = options_.first_wait;
    return wait_;
  }
  if (now - *away_since_ >= options_.give_up_after) return std::nullopt;
  wait_ = std::min(wait_ * 2, options_.longest_wait);
  return wait_;
}

}  // namespace soundscripter
