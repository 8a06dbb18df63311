// The in-process event bus: delivery to every subscriber, and the promise
// that no callback runs after its Subscription is destroyed, even while
// another thread is publishing.
#include <atomic>
#include <future>
#include <thread>

#include <gtest/gtest.h>

#include "events/event_bus.hpp"

namespace soundscripter {
namespace {

using namespace std::chrono_literals;

JobEvent event(std::int64_t seq) { return {"j_1", seq, "progress", {{"progress", 0.5}}}; }

TEST(events_in_process, EverySubscriberGetsEveryEventUntilItUnsubscribes) {
  auto bus = make_in_process_event_bus();
  std::vector<std::int64_t> first;
  std::vector<std::int64_t> second;
  auto first_subscription = bus->subscribe("", [&](const JobEvent& e) { first.push_back(e.seq); });
  auto second_subscription = bus->subscribe("", [&](const JobEvent& e) { second.push_back(e.seq); });
  bus->publish(event(1));
  second_subscription.reset();
  bus->publish(event(2));
  EXPECT_EQ(first, (std::vector<std::int64_t>{1, 2}));
  EXPECT_EQ(second, (std::vector<std::int64_t>{1}));
  EXPECT_TRUE(bus->healthy());
}

TEST(events_in_process, UnsubscribingWaitsForACallbackRunningOnAnotherThread) {
  auto bus = make_in_process_event_bus();
  std::promise<void> entered;
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  std::atomic<bool> callback_finished = false;
  auto subscription = bus->subscribe("", [&](const JobEvent&) {
    entered.set_value();
    released.wait();
    callback_finished = true;
  });
  std::thread publisher([&] { bus->publish(event(1)); });
  entered.get_future().wait();

  auto unsubscribed = std::async(std::launch::async, [&] {
    subscription.reset();
    return callback_finished.load();  // what was true when the destructor returned
  });
  EXPECT_EQ(unsubscribed.wait_for(100ms), std::future_status::timeout);
  release.set_value();
  EXPECT_TRUE(unsubscribed.get());
  publisher.join();
}

TEST(events_in_process, NoCallbackRunsAfterItsSubscriptionIsDestroyed) {
  auto bus = make_in_process_event_bus();
  std::atomic<bool> stop = false;
  std::atomic<int> late_calls = 0;
  std::vector<std::thread> publishers;
  for (int t = 0; t < 2; ++t) {
    publishers.emplace_back([&] {
      for (std::int64_t seq = 1; !stop; ++seq) bus->publish(event(seq));
    });
  }
  for (int round = 0; round < 300; ++round) {
    auto destroyed = std::make_shared<std::atomic<bool>>(false);
    auto subscription = bus->subscribe("", [&late_calls, destroyed](const JobEvent&) {
      if (*destroyed) ++late_calls;
    });
    std::this_thread::yield();
    subscription.reset();
    *destroyed = true;
  }
  stop = true;
  for (auto& publisher : publishers) publisher.join();
  EXPECT_EQ(late_calls, 0);
}

TEST(events_in_process, ACallbackMaySubscribeAndUnsubscribeItself) {
  auto bus = make_in_process_event_bus();
  std::unique_ptr<Subscription> self;
  std::unique_ptr<Subscription> added;
  int self_calls = 0;
  int added_calls = 0;
  self = bus->subscribe("", [&](const JobEvent&) {
    ++self_calls;
    self.reset();  // from inside its own callback: must not deadlock
    added = bus->subscribe("", [&](const JobEvent&) { ++added_calls; });
  });
  bus->publish(event(1));
  bus->publish(event(2));
  EXPECT_EQ(self_calls, 1);
  EXPECT_EQ(added_calls, 1);  // subscribed during event 1, so it sees only event 2
}

TEST(events_in_process, AThrowingSubscriberDoesNotStopTheOthers) {
  auto bus = make_in_process_event_bus();
  int calls = 0;
  auto thrower = bus->subscribe("", [](const JobEvent&) { throw std::runtime_error("boom"); });
  auto counter = bus->subscribe("", [&](const JobEvent&) { ++calls; });
  EXPECT_NO_THROW(bus->publish(event(1)));
  EXPECT_EQ(calls, 1);
}

TEST(events_in_process, ASubscriptionOutlivingTheBusIsHarmless) {
  auto bus = make_in_process_event_bus();
  auto subscription = bus->subscribe("", [](const JobEvent&) {});
  bus.reset();
  subscription.reset();
  SUCCEED();
}

}  // namespace
}  // namespace soundscripter
