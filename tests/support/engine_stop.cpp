#include "support/engine_stop.hpp"

#include <gtest/gtest.h>

#include <future>
#include <stop_token>

#include "util/error.hpp"

namespace soundscripter::test {

void expect_stops_within_one_second(Engine& engine, std::span<const float> samples,
                                    const EngineOptions& options, std::chrono::milliseconds running_for) {
  std::stop_source stop;
  auto run = std::async(std::launch::async, [&] { engine.transcribe(samples, options, {}, stop.get_token()); });
  ASSERT_EQ(run.wait_for(running_for), std::future_status::timeout) << "finished before it could be stopped";
  const auto requested = std::chrono::steady_clock::now();
  stop.request_stop();
  ASSERT_EQ(run.wait_for(std::chrono::seconds(10)), std::future_status::ready);
  const double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - requested).count();
  EXPECT_LT(took, 1.0);
  try {
    run.get();
    ADD_FAILURE() << "expected cancelled";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::cancelled);
  }
}

}  // namespace soundscripter::test
