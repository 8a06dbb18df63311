#include <gtest/gtest.h>

#include "client/reconnect_backoff.hpp"

namespace soundscripter {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

TEST(client_reconnect_backoff, WaitsDoubleFromHalfASecondUpToEightSeconds) {
  ReconnectBackoff backoff;
  const auto start = ReconnectBackoff::Clock::now();
  std::vector<long> waits;
  for (int i = 0; i < 7; ++i) waits.push_back(backoff.next_wait(start + seconds(i))->count());
  EXPECT_EQ(waits, (std::vector<long>{500, 1000, 2000, 4000, 8000, 8000, 8000}));
}

TEST(client_reconnect_backoff, GivesUpFiveMinutesAfterTheFirstMissAndAnAnswerStartsOver) {
  ReconnectBackoff backoff;
  const auto start = ReconnectBackoff::Clock::now();
  ASSERT_TRUE(backoff.next_wait(start));
  EXPECT_TRUE(backoff.next_wait(start + seconds(299)));
  EXPECT_FALSE(backoff.next_wait(start + seconds(300)));
  backoff.reset();
  EXPECT_EQ(backoff.next_wait(start + seconds(400)), milliseconds(500));
  EXPECT_TRUE(backoff.next_wait(start + seconds(650)));
}

}  // namespace
}  // namespace soundscripter
