// How long to wait before trying a server that went away again: 0.5 s,
// doubling up to 8 s between tries, until it has been away for 5 minutes
// in all. Any answer from the server starts the count over.
#pragma once

#include <chrono>
#include <optional>

namespace soundscripter {

class ReconnectBackoff {
 public:
  using Clock = std::chrono::steady_clock;
  struct Options {
    std::chrono::milliseconds first_wait{500};
    std::chrono::milliseconds longest_wait{8000};
    std::chrono::milliseconds give_up_after{std::chrono::minutes(5)};
  };

  ReconnectBackoff() : ReconnectBackoff(Options{}) {}
  explicit ReconnectBackoff(Options options) : options_(options) {}

  // The server did not answer at `now`: the wait before the next try, or
  // nullopt when it has been away for give_up_after since the first miss.
  std::optional<std::chrono::milliseconds> next_wait(Clock::time_point now = Clock::now());

  // The server answered: the next miss starts from the first wait again.
  void reset() { away_since_.reset(); }

  const Options& options() const { return options_; }

 private:
  Options options_;
  std::optional<Clock::time_point> away_since_;
  std::chrono::milliseconds wait_{0};
};

}  // namespace soundscripter
