// What only the in-process bus does: it calls back on the publishing
// thread, before publish() returns. (What every bus promises is in
// event_bus_contract_test.cpp, which runs against this bus too.)
#include <thread>

#include <gtest/gtest.h>

#include "events/event_bus.hpp"

namespace soundscripter {
namespace {

TEST(events_in_process, CallsBackOnThePublishingThreadBeforePublishReturns) {
  auto bus = make_in_process_event_bus();
  std::vector<std::thread::id> callers;
  auto subscription = bus->subscribe("j_1", [&](const JobEvent&) { callers.push_back(std::this_thread::get_id()); });
  bus->publish({"j_1", 1, "progress", {{"progress", 0.5}}});
  EXPECT_EQ(callers, std::vector<std::thread::id>{std::this_thread::get_id()});
}

}  // namespace
}  // namespace soundscripter
