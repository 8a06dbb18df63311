// Waits for a condition that another thread makes true (a server noticing
// a closed socket, a job finishing), polling every 10 ms.
#pragma once

#include <chrono>
#include <thread>

namespace soundscripter::test {

template <typename Condition>
bool eventually(Condition condition, std::chrono::milliseconds within = std::chrono::seconds(5)) {
  const auto deadline = std::chrono::steady_clock::now() + within;
  while (!condition()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return true;
}

}  // namespace soundscripter::test
