// What only the RabbitMQ queue does: prefetch between consumers, poison
// messages and dead letters, errors that name the broker (never the
// password), and coming back by itself after the broker restarts.
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <map>

#include <amqp.h>
#include <gtest/gtest.h>

#include "queue/rabbitmq_queue.hpp"
#include "queue_rabbitmq_test_support.hpp"
#include "queue_test_support.hpp"
#include "support/process.hpp"
#include "support/scoped_env.hpp"
#include "support/temp_dir.hpp"
#include "support/test_servers.hpp"
#include "util/error.hpp"

namespace soundscripter {
namespace {

using namespace std::chrono_literals;
using test::eventually;
using test::pop_id;
using test::pop_within;
using test::push;
using test::rabbitmq_options;

class queue_rabbitmq : public ::testing::Test {
 protected:
  // Only a test that used the shared test broker has queues to delete there
  // (the others must not start one just for this).
  void TearDown() override {
    if (!shared_url_.empty()) test::delete_test_queues(name_, shared_url_);
  }

  // Options for this test's queue on the shared test broker.
  RabbitQueueOptions options() {
    if (shared_url_.empty()) shared_url_ = test::rabbitmq_test_url();
    return rabbitmq_options(name_, shared_url_);
  }

  std::string name_ = test::unique_test_name("q");
  std::string shared_url_;
};

// A port nothing listens on (bound, then released).
int closed_port() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
  socklen_t length = sizeof address;
  getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  close(fd);
  return ntohs(address.sin_port);
}

// The Error a call throws, or nothing.
template <typename Call>
std::optional<Error> error_from(Call&& call) {
  try {
    call();
  } catch (const Error& error) {
    return error;
  }
  return std::nullopt;
}

TEST_F(queue_rabbitmq, PrefetchOneHoldsBackASecondDeliveryWhileAnotherConsumerGetsIt) {
  auto first_worker = make_rabbitmq_queue(options());
  auto second_worker = make_rabbitmq_queue(options());
  push(*first_worker, "first", 5);
  push(*first_worker, "second", 5);

  auto held = pop_within(*first_worker, 10s);
  ASSERT_TRUE(held);
  EXPECT_EQ(held->ticket().job_id, "first");
  // Holding one unacked delivery, the first worker is sent no other...
  EXPECT_EQ(pop_within(*first_worker, 500ms), nullptr);
  EXPECT_EQ(first_worker->depth(), 1);
  // ...so the second worker gets it.
  auto other = pop_within(*second_worker, 10s);
  ASSERT_TRUE(other);
  EXPECT_EQ(other->ticket().job_id, "second");
  held->ack();
  other->ack();
}

TEST_F(queue_rabbitmq, APoisonMessageIsDeadLetteredWithoutBlockingTheJobsBehindIt) {
  test::RabbitTestClient client(options().url);
  client.declare(name_);
  client.publish_raw(name_, "not json");
  auto queue = make_rabbitmq_queue(options());
  push(*queue, "good", 5);

  EXPECT_EQ(pop_id(*queue), "good");
  EXPECT_TRUE(eventually([&] { return rabbitmq_dead_letter_count(options()) == 1; }));
  EXPECT_EQ(client.ready(name_ + ".dead"), 1);
  EXPECT_EQ(client.ready(name_), 0);
}

TEST_F(queue_rabbitmq, RequeueingDeadLettersMovesTheJobsBackAndLeavesThePoison) {
  test::RabbitTestClient client(options().url);
  client.declare(name_);
  client.publish_raw(name_, R"({"job": "no media"})");  // JSON, but not a ticket
  auto queue = make_rabbitmq_queue(options());
  push(*queue, "rejected", 6);
  auto delivery = pop_within(*queue, 10s);
  ASSERT_TRUE(delivery);
  ASSERT_EQ(delivery->ticket().job_id, "rejected");
  delivery->reject(/*requeue=*/false);
  ASSERT_TRUE(eventually([&] { return rabbitmq_dead_letter_count(options()) == 2; }));

  EXPECT_EQ(rabbitmq_requeue_dead_letters(options()), 1);
  EXPECT_TRUE(eventually([&] { return rabbitmq_dead_letter_count(options()) == 1; }));
  auto again = pop_within(*queue, 10s);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->ticket().job_id, "rejected");
  EXPECT_EQ(again->ticket().priority, 6);
  EXPECT_TRUE(again->redelivered());  // it may have been started before
  again->ack();
  EXPECT_EQ(rabbitmq_requeue_dead_letters(options()), 0);  // the poison stays dead
  EXPECT_TRUE(eventually([&] { return rabbitmq_dead_letter_count(options()) == 1; }));
}

TEST_F(queue_rabbitmq, AnUnreachableBrokerIsBackendUnavailableNamingItWithoutThePassword) {
  const int port = closed_port();
  const std::string url = "amqp://guest:s3cret@127.0.0.1:" + std::to_string(port) + "/";
  const std::string named = "rabbitmq amqp://127.0.0.1:" + std::to_string(port) + "/: connecting: ";
  auto queue = make_rabbitmq_queue(rabbitmq_options(name_, url));

  const auto pushed_at = std::chrono::steady_clock::now();
  const auto push_error = error_from([&] { push(*queue, "a", 5); });
  EXPECT_LT(std::chrono::steady_clock::now() - pushed_at, 4s);
  ASSERT_TRUE(push_error);
  EXPECT_EQ(push_error->code(), ErrorCode::backend_unavailable);
  EXPECT_TRUE(std::string(push_error->what()).starts_with(named)) << push_error->what();
  EXPECT_EQ(std::string(push_error->what()).find("s3cret"), std::string::npos);

  const auto pop_error = error_from([&] { pop_within(*queue, 10s); });
  ASSERT_TRUE(pop_error);
  EXPECT_EQ(pop_error->code(), ErrorCode::backend_unavailable);
  EXPECT_TRUE(std::string(pop_error->what()).starts_with(named)) << pop_error->what();

  EXPECT_FALSE(queue->healthy());
  EXPECT_EQ(queue->depth(), -1);
  const auto count_error = error_from([&] { rabbitmq_dead_letter_count(rabbitmq_options(name_, url)); });
  ASSERT_TRUE(count_error);
  EXPECT_EQ(count_error->code(), ErrorCode::backend_unavailable);
}

TEST_F(queue_rabbitmq, AUrlItCannotUseIsRefusedWithoutShowingThePassword) {
  const auto error = error_from([] { make_rabbitmq_queue(rabbitmq_options("q", "http://guest:s3cret@host/")); });
  ASSERT_TRUE(error);
  EXPECT_EQ(error->code(), ErrorCode::invalid_argument);
  EXPECT_EQ(std::string(error->what()).find("s3cret"), std::string::npos) << error->what();
}

TEST_F(queue_rabbitmq, AQueueDeclaredWithOtherArgumentsIsReportedByName) {
  // A plain durable queue where a priority queue is expected.
  rabbitmq::Connection plain(rabbitmq::parse_endpoint(options().url), rabbitmq::ConnectionSettings{});
  amqp_queue_declare(plain.state(), rabbitmq::Connection::kChannel, amqp_cstring_bytes(name_.c_str()), 0, 1, 0, 0,
                     amqp_empty_table);
  plain.check_last_rpc("declaring a plain queue");

  auto queue = make_rabbitmq_queue(options());
  const auto error = error_from([&] { push(*queue, "a", 5); });
  ASSERT_TRUE(error);
  EXPECT_EQ(error->code(), ErrorCode::backend_unavailable);
  EXPECT_NE(std::string(error->what()).find("declaring queue " + name_ + ": the broker closed the channel: "
                                            "PRECONDITION_FAILED"),
            std::string::npos)
      << error->what();
}

TEST_F(queue_rabbitmq, APushToADeletedQueueDeclaresItAgainInsteadOfLosingTheJob) {
  auto queue = make_rabbitmq_queue(options());
  push(*queue, "before", 5);  // the publisher's connection has declared the queues
  test::RabbitTestClient(options().url).delete_queues(name_);
  push(*queue, "after", 5);  // returned as unroutable, so declared again and sent again
  EXPECT_EQ(queue->depth(), 1);
  EXPECT_EQ(pop_id(*queue), "after");
}

TEST_F(queue_rabbitmq, AConsumerWhoseQueueIsDeletedDeclaresItAgainAndGoesOn) {
  auto queue = make_rabbitmq_queue(options());
  EXPECT_EQ(pop_within(*queue, 300ms), nullptr);  // consuming, nothing there
  test::RabbitTestClient(options().url).delete_queues(name_);
  push(*queue, "after", 5);
  // The broker cancels the consumer of the deleted queue; the consumer
  // reconnects, declares the queues and consumes the new one.
  std::string popped;
  EXPECT_TRUE(eventually(
      [&] {
        try {
          popped = pop_id(*queue, 500ms);
        } catch (const Error&) {
          // between the cancel and the reconnect
        }
        return !popped.empty();
      },
      10s));
  EXPECT_EQ(popped, "after");
}

// A broker of this test's own, so restarting it disturbs no other test.
class PrivateBroker {
 public:
  // consumer_timeout: the broker's limit on holding a delivery unacked.
  explicit PrivateBroker(std::optional<std::chrono::milliseconds> consumer_timeout = std::nullopt)
      : consumer_timeout_(consumer_timeout) {
    url_ = run("start");
  }
  ~PrivateBroker() { test::run_process({script(), "stop", dir_.path().string()}, 60); }

  const std::string& url() const { return url_; }
  void stop() { run("stop"); }
  void start() { run("start"); }

 private:
  static std::string script() { return std::string(TESTS_SOURCE_DIR) + "/../scripts/servers/rabbitmq"; }

  std::string run(const std::string& verb) {
    test::ScopedEnv timeout("RABBITMQ_CONSUMER_TIMEOUT_MS",
                            consumer_timeout_ ? std::optional(std::to_string(consumer_timeout_->count()))
                                              : std::nullopt);
    test::ProcessResult result = test::run_process({script(), verb, dir_.path().string()}, 150);
    if (result.exit_code != 0) {
      throw std::runtime_error("scripts/servers/rabbitmq " + verb + " failed:\n" + result.out + result.err);
    }
    std::string out = result.out;
    while (!out.empty() && out.back() == '\n') out.pop_back();
    return out.substr(out.rfind('\n') + 1);
  }

  std::optional<std::chrono::milliseconds> consumer_timeout_;
  test::TempDir dir_{"rabbitmq"};
  std::string url_;
};

TEST_F(queue_rabbitmq, AfterTheBrokerRestartsEverythingComesBackByItself) {
  PrivateBroker broker;
  const RabbitQueueOptions options = rabbitmq_options(name_, broker.url());
  auto queue = make_rabbitmq_queue(options);
  push(*queue, "held", 5);
  push(*queue, "waiting", 5);
  auto held = pop_within(*queue, 10s);
  ASSERT_TRUE(held);
  ASSERT_EQ(held->ticket().job_id, "held");
  EXPECT_TRUE(queue->healthy());

  broker.stop();
  const auto push_error = error_from([&] { push(*queue, "pushed_while_down", 5); });
  ASSERT_TRUE(push_error);
  EXPECT_EQ(push_error->code(), ErrorCode::backend_unavailable);
  EXPECT_TRUE(eventually([&] { return !queue->healthy(); }, 5s));
  EXPECT_TRUE(eventually([&] { return error_from([&] { pop_within(*queue, 200ms); }).has_value(); }, 5s));

  broker.start();
  push(*queue, "pushed_after", 5);  // at once: no failed push first
  // The consumer reconnects by itself; the unacked delivery and the waiting
  // job were on disk (durable queue, persistent messages).
  std::map<std::string, bool> delivered;  // job id -> redelivered
  EXPECT_TRUE(eventually(
      [&] {
        try {
          if (auto delivery = pop_within(*queue, 500ms)) {
            delivered[delivery->ticket().job_id] = delivery->redelivered();
            delivery->ack();
          }
        } catch (const Error&) {
          // not reconnected yet
        }
        return delivered.size() == 3;
      },
      30s));
  EXPECT_EQ(delivered, (std::map<std::string, bool>{{"held", true}, {"waiting", false}, {"pushed_after", false}}));
  held->ack();  // from before the restart: its tag is void, nothing happens
  EXPECT_EQ(pop_id(*queue, 1s), "");
  EXPECT_TRUE(eventually([&] { return queue->healthy(); }, 5s));
}

TEST_F(queue_rabbitmq, AJobHeldPastTheBrokersConsumerTimeoutComesBackOnAReopenedChannel) {
  PrivateBroker broker(/*consumer_timeout=*/1000ms);
  auto queue = make_rabbitmq_queue(rabbitmq_options(name_, broker.url()));
  push(*queue, "slow", 5);
  auto held = pop_within(*queue, 10s);
  ASSERT_TRUE(held);
  EXPECT_FALSE(held->redelivered());

  // Not acked in time: the broker closes the consumer's channel
  // (PRECONDITION_FAILED) and requeues the job; the consumer reconnects by
  // itself and is given it again.
  std::unique_ptr<Delivery> again;
  EXPECT_TRUE(eventually(
      [&] {
        try {
          again = pop_within(*queue, 500ms);
        } catch (const Error&) {
          // between the close and the reconnect
        }
        return again != nullptr;
      },
      30s));
  ASSERT_TRUE(again);
  EXPECT_EQ(again->ticket().job_id, "slow");
  EXPECT_TRUE(again->redelivered());
  held->ack();  // its channel is gone: nothing happens
  again->ack();
  EXPECT_EQ(pop_id(*queue, 1s), "");
}

}  // namespace
}  // namespace soundscripter
