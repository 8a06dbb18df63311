// What only the in-process queue does: aging and its bound, a requeued job
// keeping its place by push order, pushing a waiting job twice, and depth
// as exact bookkeeping. What every Queue does is in queue_contract_test.cpp.
#include <thread>

#include <gtest/gtest.h>

#include "queue/queue.hpp"

namespace soundscripter {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

// A clock the test moves by hand, so aging is checked without sleeping.
struct FakeClock {
  std::shared_ptr<Clock::time_point> now = std::make_shared<Clock::time_point>(Clock::now());
  std::function<Clock::time_point()> function() const {
    return [now = now] { return *now; };
  }
  void advance(Clock::duration by) { *now += by; }
};

InProcessQueueOptions aging_every(std::chrono::milliseconds step,
                                  std::function<Clock::time_point()> clock = {}) {
  InProcessQueueOptions options;
  options.aging_step = step;
  options.clock = std::move(clock);
  return options;
}

void push(Queue& queue, const std::string& job_id, int priority, const std::string& owner = "") {
  JobTicket ticket;
  ticket.job_id = job_id;
  ticket.owner = owner;
  ticket.priority = priority;
  queue.push(ticket);
}

std::string pop_id(Queue& queue) {
  std::stop_source never_stopped;
  auto delivery = queue.pop(never_stopped.get_token());
  if (!delivery) return "";
  delivery->ack();
  return delivery->ticket().job_id;
}

TEST(queue_in_process, DepthCountsTheJobsWaiting) {
  auto queue = make_in_process_queue();
  for (int i = 0; i < 50; ++i) push(*queue, "low_" + std::to_string(i), 2);
  push(*queue, "high", 8);
  EXPECT_EQ(queue->depth(), 51);
  EXPECT_EQ(pop_id(*queue), "high");
  EXPECT_EQ(pop_id(*queue), "low_0");
  EXPECT_EQ(queue->depth(), 49);

  std::stop_source stop;
  auto held = queue->pop(stop.get_token());
  EXPECT_EQ(queue->depth(), 48);  // delivered is not waiting
  held->reject(/*requeue=*/false);
  EXPECT_EQ(queue->depth(), 48);
  stop.request_stop();
  EXPECT_EQ(queue->pop(stop.get_token()), nullptr);
  EXPECT_EQ(queue->depth(), 48);  // a stopped pop leaves the jobs waiting
}

TEST(queue_in_process, NewerJobsOvertakeALowJobOnlyWithinTheDocumentedBound) {
  FakeClock clock;
  auto queue = make_in_process_queue(aging_every(50ms, clock.function()));
  push(*queue, "low", 0);

  // Until (9 - 0) steps have passed, a newer priority-9 job goes first...
  clock.advance(9 * 50ms - 1ms);
  push(*queue, "high_before", 9);
  EXPECT_EQ(pop_id(*queue), "high_before");

  // ...and from then on the low job is at the cap and older than any newcomer.
  clock.advance(1ms);
  push(*queue, "high_after", 9);
  EXPECT_EQ(pop_id(*queue), "low");
  EXPECT_EQ(pop_id(*queue), "high_after");
}

TEST(queue_in_process, AgingLetsALowJobThroughInRealTime) {
  auto queue = make_in_process_queue(aging_every(50ms));
  push(*queue, "low", 0);
  std::this_thread::sleep_for(9 * 50ms + 20ms);
  for (int i = 0; i < 5; ++i) push(*queue, "high_" + std::to_string(i), 9);
  EXPECT_EQ(pop_id(*queue), "low");
}

TEST(queue_in_process, AgingKeepsFifoAmongEqualPriorities) {
  FakeClock clock;
  auto queue = make_in_process_queue(aging_every(50ms, clock.function()));
  push(*queue, "first", 4);
  clock.advance(500ms);
  push(*queue, "second", 4);
  clock.advance(500ms);  // both aged to the cap
  EXPECT_EQ(pop_id(*queue), "first");
  EXPECT_EQ(pop_id(*queue), "second");
}

TEST(queue_in_process, OwnersTakeTurnsWithinAPriority) {
  auto queue = make_in_process_queue();
  for (int i = 1; i <= 4; ++i) push(*queue, "alice_" + std::to_string(i), 5, "k_alice");
  push(*queue, "bob_1", 5, "k_bob");
  push(*queue, "bob_2", 5, "k_bob");
  push(*queue, "carol_1", 5, "k_carol");
  push(*queue, "urgent", 8, "k_alice");
  // A higher priority still goes first; then one job per owner in turn,
  // each owner's own jobs in the order they came.
  const std::vector<std::string> expected = {"urgent", "bob_1", "carol_1", "alice_1", "bob_2", "alice_2",
                                             "alice_3", "alice_4"};
  std::vector<std::string> popped;
  for (std::size_t i = 0; i < expected.size(); ++i) popped.push_back(pop_id(*queue));
  EXPECT_EQ(popped, expected);
  EXPECT_EQ(queue->depth(), 0);
}

TEST(queue_in_process, ANewOwnerIsServedBeforeOnesAlreadyServed) {
  auto queue = make_in_process_queue();
  for (int i = 1; i <= 3; ++i) push(*queue, "alice_" + std::to_string(i), 5, "k_alice");
  EXPECT_EQ(pop_id(*queue), "alice_1");
  push(*queue, "bob_1", 5, "k_bob");
  EXPECT_EQ(pop_id(*queue), "bob_1") << "bob waited behind alice's backlog";
  EXPECT_EQ(pop_id(*queue), "alice_2");
}

TEST(queue_in_process, PushingAWaitingJobAgainChangesNothing) {
  auto queue = make_in_process_queue();
  push(*queue, "a", 1);
  push(*queue, "b", 5);
  push(*queue, "a", 9);
  EXPECT_EQ(queue->depth(), 2);
  EXPECT_EQ(pop_id(*queue), "b");
}

TEST(queue_in_process, ARejectedDeliveryGoesBackToItsOldPlace) {
  FakeClock clock;
  auto queue = make_in_process_queue(aging_every(50ms, clock.function()));
  push(*queue, "a", 5);
  clock.advance(1ms);
  push(*queue, "b", 5);
  std::stop_source stop;
  auto delivery = queue->pop(stop.get_token());
  ASSERT_EQ(delivery->ticket().job_id, "a");
  clock.advance(1s);
  push(*queue, "c", 9);  // newer than a's original push: a is older and aged to 9
  delivery->reject(true);
  delivery->reject(true);  // settled already: no second copy
  EXPECT_EQ(queue->depth(), 3);
  EXPECT_EQ(pop_id(*queue), "a");
  EXPECT_EQ(pop_id(*queue), "b");
  EXPECT_EQ(pop_id(*queue), "c");
}

}  // namespace
}  // namespace soundscripter
