// The Queue contract (queue.hpp), run against every implementation: the
// in-process queue and RabbitMQ. What only one of them does (aging, the
// broker's dead letters and prefetch) is tested in its own file.
#include <future>

#include <set>

#include <gtest/gtest.h>

#include "queue/queue.hpp"
#include "queue_rabbitmq_test_support.hpp"
#include "queue_test_support.hpp"
#include "support/test_servers.hpp"

namespace soundscripter {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using test::pop_id;
using test::pop_within;
using test::push;

struct QueueBackend {
  std::string name;
  // A handle on the queue called `queue_name`: for a broker, every handle
  // with the same name is another consumer of the same queue.
  std::function<std::unique_ptr<Queue>(const std::string& queue_name)> open;
  std::function<void(const std::string& queue_name)> remove;
  // Whether a delivery left unacked by a consumer that goes away is
  // delivered again (a broker does; in-process there is no one to hand it to).
  bool redelivers_after_consumer_loss = false;
};

// gtest prints a failing test's parameter with this, not as raw bytes.
void PrintTo(const QueueBackend& backend, std::ostream* out) { *out << backend.name; }

QueueBackend in_process_backend() {
  return {"in_process", [](const std::string&) { return make_in_process_queue(); },
          [](const std::string&) {}, false};
}

QueueBackend rabbitmq_backend() {
  return {"rabbitmq",
          [](const std::string& queue_name) { return make_rabbitmq_queue(test::rabbitmq_options(queue_name)); },
          [](const std::string& queue_name) { test::delete_test_queues(queue_name); }, true};
}

class queue_contract : public ::testing::TestWithParam<QueueBackend> {
 protected:
  void SetUp() override {
    name_ = test::unique_test_name("q");
    queue_ = GetParam().open(name_);
  }

  void TearDown() override {
    queue_.reset();
    GetParam().remove(name_);
  }

  Queue& queue() { return *queue_; }

  std::string name_;
  std::unique_ptr<Queue> queue_;
};

TEST_P(queue_contract, AHighPriorityJobPushedBehindFiftyLowOnesPopsNext) {
  for (int i = 0; i < 50; ++i) push(queue(), "low_" + std::to_string(i), 2);
  push(queue(), "high", 8);
  EXPECT_EQ(queue().depth(), 51);
  EXPECT_EQ(pop_id(queue()), "high");
  EXPECT_EQ(pop_id(queue()), "low_0");
  EXPECT_EQ(pop_id(queue()), "low_1");
}

TEST_P(queue_contract, EqualPrioritiesAreFirstInFirstOut) {
  for (int i = 0; i < 20; ++i) push(queue(), "job_" + std::to_string(i), i % 2 ? 5 : 3);
  for (int i = 1; i < 20; i += 2) EXPECT_EQ(pop_id(queue()), "job_" + std::to_string(i));
  for (int i = 0; i < 20; i += 2) EXPECT_EQ(pop_id(queue()), "job_" + std::to_string(i));
}

TEST_P(queue_contract, TheTicketSurvivesTheRoundTripIntact) {
  JobTicket sent;
  sent.job_id = "j_0123456789abcdef";
  sent.priority = 7;
  sent.request.engine = "whisper";
  sent.request.model = "base.en";
  sent.request.language = "de";
  sent.request.translate = true;
  sent.request.word_timestamps = true;
  sent.request.vad = true;
  sent.request.beam_size = 3;
  sent.request.best_of = 2;
  sent.request.no_fallback = true;
  sent.request.temperature = 0.25f;
  sent.request.prompt = "Zürich, \"quoted\"\nand a new line";
  sent.request.priority = 7;
  sent.media_filename = "Interview – März.mp3";
  sent.media_file = "j_0123456789abcdef.mp3";
  sent.media_token = "tok_secret";
  sent.media_duration = 1234.5;
  queue().push(sent);

  auto delivery = pop_within(queue(), 10s);
  ASSERT_TRUE(delivery);
  EXPECT_EQ(ticket_to_json(delivery->ticket()), ticket_to_json(sent));
  EXPECT_FALSE(delivery->redelivered());
  delivery->ack();
}

TEST_P(queue_contract, TheChunksOfOneJobAreSeparateMessagesThatKeepTheirSpans) {
  JobTicket whole;
  whole.job_id = "j_long";
  whole.media_file = "j_long.flac";
  for (int index = 0; index < 3; ++index) {
    JobTicket piece = whole;
    piece.chunk = ChunkOfJob{index, 3, AudioSpan{index * 4'800'000LL, 4'800'000}};
    queue().push(piece);
  }
  std::set<int> seen;
  for (int i = 0; i < 3; ++i) {
    auto delivery = pop_within(queue(), 10s);
    ASSERT_TRUE(delivery);
    ASSERT_TRUE(delivery->ticket().chunk);
    const ChunkOfJob& chunk = *delivery->ticket().chunk;
    EXPECT_EQ(chunk.count, 3);
    EXPECT_EQ(chunk.span.start_sample, chunk.index * 4'800'000LL);
    EXPECT_EQ(run_key(delivery->ticket()), "j_long#" + std::to_string(chunk.index));
    seen.insert(chunk.index);
    delivery->ack();
  }
  EXPECT_EQ(seen, (std::set<int>{0, 1, 2}));
}

TEST_P(queue_contract, PrioritiesOutsideTheRangeAreClamped) {
  push(queue(), "below", -4);
  push(queue(), "above", 42);
  auto delivery = pop_within(queue(), 10s);
  ASSERT_TRUE(delivery);
  EXPECT_EQ(delivery->ticket().job_id, "above");
  EXPECT_EQ(delivery->ticket().priority, 9);
  delivery->ack();
  auto low = pop_within(queue(), 10s);
  ASSERT_TRUE(low);
  EXPECT_EQ(low->ticket().priority, 0);
  low->ack();
}

TEST_P(queue_contract, ARejectedDeliveryWithRequeueIsDeliveredAgainAsRedelivered) {
  push(queue(), "a", 5);
  push(queue(), "b", 5);
  auto first = pop_within(queue(), 10s);
  ASSERT_TRUE(first);
  ASSERT_EQ(first->ticket().job_id, "a");
  EXPECT_FALSE(first->redelivered());
  first->reject(/*requeue=*/true);
  first->reject(/*requeue=*/true);  // settled already: no second copy

  auto again = pop_within(queue(), 10s);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->ticket().job_id, "a");  // back in its old place, before b
  EXPECT_TRUE(again->redelivered());
  again->ack();
  EXPECT_EQ(pop_id(queue()), "b");
  EXPECT_EQ(pop_id(queue(), 500ms), "");  // and no third copy of a
}

TEST_P(queue_contract, ARejectWithoutRequeueDropsTheJob) {
  push(queue(), "dropped", 5);
  push(queue(), "next", 5);
  auto delivery = pop_within(queue(), 10s);
  ASSERT_TRUE(delivery);
  ASSERT_EQ(delivery->ticket().job_id, "dropped");
  delivery->reject(/*requeue=*/false);
  EXPECT_EQ(pop_id(queue()), "next");
  EXPECT_EQ(pop_id(queue(), 500ms), "");
}

TEST_P(queue_contract, RetryLaterHoldsTheJobBackForTheDelayThenRedeliversIt) {
  push(queue(), "flaky", 5);
  auto first = pop_within(queue(), 10s);
  ASSERT_TRUE(first);
  EXPECT_FALSE(first->redelivered());
  const auto retried_at = Clock::now();
  first->retry_later(400ms);
  push(queue(), "other", 1);
  EXPECT_EQ(pop_id(queue()), "other");  // the retry is not due yet

  auto again = pop_within(queue(), 10s);
  ASSERT_TRUE(again);
  EXPECT_GE(Clock::now() - retried_at, 400ms);
  EXPECT_EQ(again->ticket().job_id, "flaky");
  EXPECT_TRUE(again->redelivered());
  again->ack();
  EXPECT_EQ(pop_id(queue(), 500ms), "");  // one copy only
}

TEST_P(queue_contract, PopWaitsForAPush) {
  auto popped = std::async(std::launch::async, [&] { return pop_id(queue(), 30s); });
  EXPECT_EQ(popped.wait_for(300ms), std::future_status::timeout);
  push(queue(), "late", 5);
  ASSERT_EQ(popped.wait_for(10s), std::future_status::ready);
  EXPECT_EQ(popped.get(), "late");
}

TEST_P(queue_contract, PopReturnsNothingOnceStopped) {
  std::stop_source stop;
  auto popped = std::async(std::launch::async, [&] { return queue().pop(stop.get_token()); });
  EXPECT_EQ(popped.wait_for(300ms), std::future_status::timeout);
  stop.request_stop();
  ASSERT_EQ(popped.wait_for(5s), std::future_status::ready);
  EXPECT_EQ(popped.get(), nullptr);

  // A stopping worker takes no new job even when one is waiting...
  push(queue(), "waiting", 5);
  EXPECT_EQ(queue().pop(stop.get_token()), nullptr);
  // ...and the job is still there for the next one.
  EXPECT_EQ(pop_id(queue()), "waiting");
}

TEST_P(queue_contract, AckedJobsAreNotDeliveredAgain) {
  push(queue(), "a", 5);
  auto delivery = pop_within(queue(), 10s);
  ASSERT_TRUE(delivery);
  delivery->ack();
  delivery->reject(/*requeue=*/true);  // after the ack: nothing
  delivery->retry_later(0ms);          // nothing either
  push(queue(), "b", 5);
  EXPECT_EQ(pop_id(queue()), "b");
  EXPECT_EQ(pop_id(queue(), 1s), "");
}

TEST_P(queue_contract, ADeliveryOutlivingItsQueueIsHarmless) {
  std::unique_ptr<Delivery> delivery;
  {
    auto queue = GetParam().open(name_ + "_short");
    push(*queue, "a", 5);
    delivery = pop_within(*queue, 10s);
    ASSERT_TRUE(delivery);
  }
  delivery->reject(/*requeue=*/true);
  delivery->ack();
  GetParam().remove(name_ + "_short");
}

TEST_P(queue_contract, ADeliveryDroppedByAConsumerThatGoesAwayIsDeliveredAgainToAnother) {
  if (!GetParam().redelivers_after_consumer_loss) {
    GTEST_SKIP() << "in-process, a queue that goes away takes its jobs with it; a crashed "
                    "process's jobs come back through restart recovery, not the queue";
  }
  push(queue(), "done", 5);
  push(queue(), "dropped", 5);
  EXPECT_EQ(pop_id(queue()), "done");
  auto held = pop_within(queue(), 10s);
  ASSERT_TRUE(held);
  ASSERT_EQ(held->ticket().job_id, "dropped");
  queue_.reset();  // the consumer goes away without acking (a worker killed mid-job)

  auto other = GetParam().open(name_);
  auto again = pop_within(*other, 10s);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->ticket().job_id, "dropped");
  EXPECT_TRUE(again->redelivered());
  again->ack();
  held->ack();  // the old delivery's tag is void: nothing happens
  EXPECT_EQ(pop_id(*other, 1s), "");  // "done" was acked: not delivered again
}

std::string backend_name(const ::testing::TestParamInfo<QueueBackend>& backend) { return backend.param.name; }

INSTANTIATE_TEST_SUITE_P(in_process, queue_contract, ::testing::Values(in_process_backend()), backend_name);
INSTANTIATE_TEST_SUITE_P(rabbitmq, queue_contract, ::testing::Values(rabbitmq_backend()), backend_name);

}  // namespace
}  // namespace soundscripter
