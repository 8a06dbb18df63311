// What every EventBus promises, checked against each implementation: the
// in-process bus (embedded mode) and the Redis bus (distributed mode, on the
// tests' Redis). Delivery may happen on another thread, so tests wait for
// what they expect with a deadline. Job ids are random because other test
// processes share the Redis server, and all-jobs subscriptions therefore
// only look at this test's jobs.
#include <atomic>
#include <future>
#include <thread>

#include <gtest/gtest.h>

#include "events/event_bus.hpp"
#include "support/test_servers.hpp"
#include "unit/event_bus_test_support.hpp"

namespace soundscripter {
namespace {

using namespace std::chrono_literals;
using test::EventLog;
using test::seqs_up_to;
using test::unique_test_name;
using test::wait_until;

// One kind of bus, and how to make several that reach each other, as the
// processes of one deployment do.
struct BusKind {
  std::string name;
  std::function<std::vector<std::unique_ptr<EventBus>>(int count)> make_connected;

  std::unique_ptr<EventBus> make() const { return std::move(make_connected(1).front()); }
};

// Several handles on one in-process bus: what "other processes" are for a
// bus that lives in one process.
class SharedInProcessBus final : public EventBus {
 public:
  explicit SharedInProcessBus(std::shared_ptr<EventBus> bus) : bus_(std::move(bus)) {}
  void publish(const JobEvent& event) override { bus_->publish(event); }
  std::unique_ptr<Subscription> subscribe(const std::string& job,
                                          std::function<void(const JobEvent&)> on_event) override {
    return bus_->subscribe(job, std::move(on_event));
  }
  bool healthy() override { return bus_->healthy(); }

 private:
  std::shared_ptr<EventBus> bus_;
};

BusKind in_process() {
  return {"in_process", [](int count) {
    std::vector<std::unique_ptr<EventBus>> buses;
    if (count == 1) {
      buses.push_back(make_in_process_event_bus());  // the real thing, not a handle
      return buses;
    }
    std::shared_ptr<EventBus> shared = make_in_process_event_bus();
    for (int i = 0; i < count; ++i) buses.push_back(std::make_unique<SharedInProcessBus>(shared));
    return buses;
  }};
}

BusKind redis() {
  return {"redis", [](int count) {
    const std::string url = test::test_server_url("redis");
    std::vector<std::unique_ptr<EventBus>> buses;
    for (int i = 0; i < count; ++i) buses.push_back(make_redis_event_bus(url));
    return buses;
  }};
}

void PrintTo(const BusKind& kind, std::ostream* out) { *out << kind.name; }

JobEvent event(const std::string& job, std::int64_t seq) {
  return {job, seq, "progress", {{"progress", 0.5}, {"percent", 50.0}}};
}

class event_bus_contract : public ::testing::TestWithParam<BusKind> {
 protected:
  std::unique_ptr<EventBus> make_bus() const { return GetParam().make(); }
  const std::string job_ = unique_test_name("j");
};

TEST_P(event_bus_contract, AnEventArrivesAsItWasPublished) {
  auto bus = make_bus();
  EventLog log;
  auto subscription = bus->subscribe(job_, log.recorder());
  const JobEvent sent{job_, 7, "segment", {{"segment", {{"start", 1.5}, {"end", 2.0}, {"text", "héllo"}}}}};
  bus->publish(sent);
  ASSERT_TRUE(wait_until([&] { return log.size() == 1; }));
  const JobEvent received = log.events().front();
  EXPECT_EQ(received.job, sent.job);
  EXPECT_EQ(received.seq, sent.seq);
  EXPECT_EQ(received.type, sent.type);
  EXPECT_EQ(received.data, sent.data);  // no job, seq or type mixed in
}

TEST_P(event_bus_contract, PerJobSubscriptionsGetOnlyTheirJobAndAllJobsOnesGetEveryJob) {
  auto bus = make_bus();
  const std::string other_job = unique_test_name("j");
  EventLog first;
  EventLog second;
  EventLog all;
  auto first_subscription = bus->subscribe(job_, first.recorder());
  auto second_subscription = bus->subscribe(other_job, second.recorder());
  auto all_subscription = bus->subscribe("", all.recorder({job_, other_job}));
  bus->publish(event(job_, 1));
  bus->publish(event(other_job, 1));
  bus->publish(event(job_, 2));
  ASSERT_TRUE(wait_until([&] { return all.size() == 3; }));
  // The bus delivers each event to all its subscribers before the next, so
  // nothing more is on its way to the per-job ones.
  EXPECT_EQ(first.seqs(job_), (std::vector<std::int64_t>{1, 2}));
  EXPECT_EQ(first.size(), 2u);
  EXPECT_EQ(second.seqs(other_job), (std::vector<std::int64_t>{1}));
  EXPECT_EQ(second.size(), 1u);
  EXPECT_EQ(all.seqs(job_), (std::vector<std::int64_t>{1, 2}));
  EXPECT_EQ(all.seqs(other_job), (std::vector<std::int64_t>{1}));
}

TEST_P(event_bus_contract, OneJobsEventsArriveInTheOrderTheyWerePublished) {
  auto bus = make_bus();
  EventLog log;
  auto subscription = bus->subscribe(job_, log.recorder());
  for (std::int64_t seq = 1; seq <= 200; ++seq) bus->publish(event(job_, seq));
  ASSERT_TRUE(wait_until([&] { return log.size() == 200; })) << log.size();
  EXPECT_EQ(log.seqs(job_), seqs_up_to(200));
}

TEST_P(event_bus_contract, EachJobKeepsItsOrderWhileSeveralThreadsPublish) {
  auto bus = make_bus();
  std::vector<std::string> jobs;
  for (int i = 0; i < 4; ++i) jobs.push_back(unique_test_name("j"));
  EventLog all;
  auto subscription = bus->subscribe("", all.recorder({jobs.begin(), jobs.end()}));
  std::vector<std::thread> publishers;
  for (const std::string& job : jobs) {
    publishers.emplace_back([&bus, job] {
      for (std::int64_t seq = 1; seq <= 50; ++seq) bus->publish(event(job, seq));
    });
  }
  for (auto& publisher : publishers) publisher.join();
  ASSERT_TRUE(wait_until([&] { return all.size() == 200; })) << all.size();
  for (const std::string& job : jobs) EXPECT_EQ(all.seqs(job), seqs_up_to(50)) << job;
}

TEST_P(event_bus_contract, ADestroyedSubscriptionGetsNothingMore) {
  auto bus = make_bus();
  EventLog kept;
  EventLog dropped;
  auto kept_subscription = bus->subscribe(job_, kept.recorder());
  auto dropped_subscription = bus->subscribe(job_, dropped.recorder());
  bus->publish(event(job_, 1));
  ASSERT_TRUE(wait_until([&] { return kept.size() == 1 && dropped.size() == 1; }));
  dropped_subscription.reset();
  bus->publish(event(job_, 2));
  ASSERT_TRUE(wait_until([&] { return kept.size() == 2; }));
  EXPECT_EQ(dropped.seqs(job_), (std::vector<std::int64_t>{1}));
}

TEST_P(event_bus_contract, UnsubscribingWaitsForACallbackRunningOnAnotherThread) {
  auto bus = make_bus();
  std::promise<void> entered;
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  std::atomic<bool> callback_finished = false;
  auto subscription = bus->subscribe(job_, [&](const JobEvent&) {
    entered.set_value();
    released.wait();
    callback_finished = true;
  });
  // The in-process bus calls back on the publishing thread, so publish on
  // one of its own; the Redis bus calls back on its listener thread anyway.
  std::thread publisher([&] { bus->publish(event(job_, 1)); });
  if (entered.get_future().wait_for(10s) != std::future_status::ready) {
    release.set_value();
    publisher.join();
    FAIL() << "the callback was never called";
  }

  auto unsubscribed = std::async(std::launch::async, [&] {
    subscription.reset();
    return callback_finished.load();  // what was true when the destructor returned
  });
  EXPECT_EQ(unsubscribed.wait_for(100ms), std::future_status::timeout);
  release.set_value();
  EXPECT_TRUE(unsubscribed.get());
  publisher.join();
}

TEST_P(event_bus_contract, NoCallbackRunsAfterItsSubscriptionIsDestroyed) {
  auto bus = make_bus();
  std::atomic<bool> stop = false;
  std::atomic<int> late_calls = 0;
  std::vector<std::thread> publishers;
  for (int t = 0; t < 2; ++t) {
    publishers.emplace_back([&] {
      for (std::int64_t seq = 1; !stop; ++seq) bus->publish(event(job_, seq));
    });
  }
  int rounds_with_events = 0;
  for (int round = 0; round < 200; ++round) {
    auto destroyed = std::make_shared<std::atomic<bool>>(false);
    auto calls = std::make_shared<std::atomic<int>>(0);
    auto subscription = bus->subscribe(job_, [&late_calls, destroyed, calls](const JobEvent&) {
      if (*destroyed) ++late_calls;
      ++*calls;
    });
    // Unsubscribe while events are arriving, not before the first one.
    if (!wait_until([&] { return *calls > 0; })) break;
    ++rounds_with_events;
    subscription.reset();
    *destroyed = true;
  }
  stop = true;
  for (auto& publisher : publishers) publisher.join();
  EXPECT_EQ(rounds_with_events, 200);
  EXPECT_EQ(late_calls, 0);
}

TEST_P(event_bus_contract, ACallbackMayUnsubscribeItselfAndSubscribeAnother) {
  auto bus = make_bus();
  std::unique_ptr<Subscription> self;
  std::unique_ptr<Subscription> added;
  std::atomic<int> self_calls = 0;
  std::atomic<int> added_calls = 0;
  self = bus->subscribe(job_, [&](const JobEvent&) {
    ++self_calls;
    self.reset();  // from inside its own callback: must not deadlock
    added = bus->subscribe(job_, [&](const JobEvent&) { ++added_calls; });
  });
  bus->publish(event(job_, 1));
  bus->publish(event(job_, 2));
  bus->publish(event(job_, 3));
  // Subscribed during event 1, so it sees events 2 and 3; once it has seen
  // 3, the bus is done with 2 and 3 for everyone.
  ASSERT_TRUE(wait_until([&] { return added_calls == 2; })) << added_calls;
  EXPECT_EQ(self_calls, 1);
  added.reset();
}

TEST_P(event_bus_contract, ACallbackMayPublish) {
  auto bus = make_bus();
  const std::string echo_job = unique_test_name("j");
  EventLog echoes;
  auto echo = bus->subscribe(job_, [&](const JobEvent& e) { bus->publish(event(echo_job, e.seq)); });
  auto listener = bus->subscribe(echo_job, echoes.recorder());
  bus->publish(event(job_, 1));
  bus->publish(event(job_, 2));
  ASSERT_TRUE(wait_until([&] { return echoes.size() == 2; }));
  EXPECT_EQ(echoes.seqs(echo_job), (std::vector<std::int64_t>{1, 2}));
}

TEST_P(event_bus_contract, AThrowingSubscriberDoesNotStopTheOthers) {
  auto bus = make_bus();
  std::atomic<int> thrower_calls = 0;
  EventLog log;
  auto thrower = bus->subscribe(job_, [&](const JobEvent&) {
    ++thrower_calls;
    throw std::runtime_error("boom");
  });
  auto counter = bus->subscribe(job_, log.recorder());
  EXPECT_NO_THROW(bus->publish(event(job_, 1)));
  EXPECT_NO_THROW(bus->publish(event(job_, 2)));
  // The second event shows the bus carried on after the first throw.
  ASSERT_TRUE(wait_until([&] { return log.size() == 2; })) << log.size();
  EXPECT_EQ(log.seqs(job_), (std::vector<std::int64_t>{1, 2}));
  EXPECT_EQ(thrower_calls, 2);
}

TEST_P(event_bus_contract, ASubscriptionOutlivingTheBusIsHarmless) {
  auto bus = make_bus();
  std::atomic<int> calls = 0;
  auto subscription = bus->subscribe(job_, [&](const JobEvent&) { ++calls; });
  bus->publish(event(job_, 1));
  ASSERT_TRUE(wait_until([&] { return calls == 1; }));
  bus.reset();
  subscription.reset();  // must neither crash nor hang
  EXPECT_EQ(calls, 1);
}

TEST_P(event_bus_contract, TwoBusesBothGetWhatAThirdPublishes) {
  auto buses = GetParam().make_connected(3);
  EventLog first;
  EventLog second;
  EventLog second_all;
  auto first_subscription = buses[0]->subscribe(job_, first.recorder());
  auto second_subscription = buses[1]->subscribe(job_, second.recorder());
  auto second_all_subscription = buses[1]->subscribe("", second_all.recorder({job_}));
  buses[2]->publish(event(job_, 1));
  buses[2]->publish(event(job_, 2));
  ASSERT_TRUE(wait_until([&] { return first.size() == 2 && second.size() == 2 && second_all.size() == 2; }));
  EXPECT_EQ(first.seqs(job_), (std::vector<std::int64_t>{1, 2}));
  EXPECT_EQ(second.seqs(job_), (std::vector<std::int64_t>{1, 2}));
  EXPECT_EQ(second_all.seqs(job_), (std::vector<std::int64_t>{1, 2}));
}

TEST_P(event_bus_contract, IsHealthyWhileItsTransportWorks) {
  auto bus = make_bus();
  EXPECT_TRUE(bus->healthy());  // right away: making a bus waits for its first connection
}

INSTANTIATE_TEST_SUITE_P(in_process, event_bus_contract, ::testing::Values(in_process()));
INSTANTIATE_TEST_SUITE_P(redis, event_bus_contract, ::testing::Values(redis()));

}  // namespace
}  // namespace soundscripter
