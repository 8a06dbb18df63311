// PeriodicTask: the background chores' timer (heartbeats, outbox, retention).
#include <atomic>
#include <chrono>
#include <thread>

#include <gtest/gtest.h>

#include "support/eventually.hpp"

#include "util/periodic_task.hpp"

namespace soundscripter {
namespace {

using namespace std::chrono_literals;

using test::eventually;

TEST(periodic_task, RunsAtOnceThenWaitsItsPeriod) {
  std::atomic<int> runs{0};
  PeriodicTask task("test", 1h, [&] { ++runs; });
  EXPECT_TRUE(eventually([&] { return runs == 1; }));
  std::this_thread::sleep_for(100ms);
  EXPECT_EQ(runs, 1);
}

TEST(periodic_task, RunSoonRunsWithoutWaitingForThePeriod) {
  std::atomic<int> runs{0};
  PeriodicTask task("test", 1h, [&] { ++runs; });
  ASSERT_TRUE(eventually([&] { return runs == 1; }));
  task.run_soon();
  EXPECT_TRUE(eventually([&] { return runs == 2; }));
  task.run_soon();
  EXPECT_TRUE(eventually([&] { return runs == 3; }));
}

TEST(periodic_task, AnExceptionDoesNotStopTheNextRounds) {
  std::atomic<int> runs{0};
  PeriodicTask task("test", 10ms, [&] {
    ++runs;
    throw std::runtime_error("server away");
  });
  EXPECT_TRUE(eventually([&] { return runs >= 3; }));
}

}  // namespace
}  // namespace soundscripter
