// What only the Redis bus has to handle: Redis going away and coming back,
// being down when the bus is made, a password, and messages on its channels
// that are not job events.
//
// Tests that stop Redis run their own server (scripts/servers/redis in a
// temporary directory): stopping the tests' shared one would pull it from
// under the other test processes using it at the same time.
#include <chrono>

#include <hiredis/hiredis.h>
#include <gtest/gtest.h>

#include "events/event_bus.hpp"
#include "events/redis_url.hpp"
#include "support/process.hpp"
#include "support/temp_dir.hpp"
#include "support/test_servers.hpp"
#include "unit/event_bus_test_support.hpp"

namespace soundscripter {
namespace {

using namespace std::chrono_literals;
using test::EventLog;
using test::unique_test_name;
using test::wait_until;

// A Redis server of the test's own, stopped at the end.
class OwnRedis {
 public:
  OwnRedis() : url_(run("start")) {}
  ~OwnRedis() { test::run_process({script(), "stop", dir_.path().string()}, 60); }
  OwnRedis(const OwnRedis&) = delete;
  OwnRedis& operator=(const OwnRedis&) = delete;

  const std::string& url() const { return url_; }
  void stop() { run("stop"); }
  void start() { run("start"); }  // on the same port
  void restart() { run("restart"); }

 private:
  static std::string script() { return std::string(TESTS_SOURCE_DIR) + "/../scripts/servers/redis"; }

  // The script's last line of output (the URL, for start).
  std::string run(const std::string& verb) {
    const test::ProcessResult result = test::run_process({script(), verb, dir_.path().string()}, 60);
    if (result.exit_code != 0) {
      throw std::runtime_error("scripts/servers/redis " + verb + " failed:\n" + result.out + result.err);
    }
    std::string out = result.out;
    while (!out.empty() && out.back() == '\n') out.pop_back();
    return out.substr(out.rfind('\n') + 1);
  }

  test::TempDir dir_{"soundscripter-redis"};
  std::string url_;
};

// A plain hiredis client, to put on the bus's channels what the bus itself
// would never publish.
class RawRedisClient {
 public:
  explicit RawRedisClient(const std::string& url) {
    const RedisAddress address = parse_redis_url(url);
    context_.reset(redisConnect(address.host.c_str(), address.port));
    if (!context_ || context_->err) throw std::runtime_error("cannot connect to " + url);
  }

  // The command's reply as text ("OK", an integer's digits, an error's message).
  std::string command(const std::vector<std::string>& args) {
    std::vector<const char*> argv;
    std::vector<std::size_t> lengths;
    for (const std::string& arg : args) {
      argv.push_back(arg.data());
      lengths.push_back(arg.size());
    }
    auto* reply = static_cast<redisReply*>(
        redisCommandArgv(context_.get(), static_cast<int>(argv.size()), argv.data(), lengths.data()));
    if (!reply) throw std::runtime_error(std::string("redis command failed: ") + context_->errstr);
    const std::string text = reply->type == REDIS_REPLY_INTEGER ? std::to_string(reply->integer)
                             : reply->str                      ? std::string(reply->str, reply->len)
                                                               : std::string();
    freeReplyObject(reply);
    return text;
  }

 private:
  struct Free {
    void operator()(redisContext* context) const { redisFree(context); }
  };
  std::unique_ptr<redisContext, Free> context_;
};

JobEvent event(const std::string& job, std::int64_t seq) { return {job, seq, "progress", {{"progress", 0.5}}}; }

// "seq type" for each event, to compare whole histories at once.
std::vector<std::string> history(const EventLog& log) {
  std::vector<std::string> lines;
  for (const JobEvent& e : log.events()) lines.push_back(std::to_string(e.seq) + " " + e.type);
  return lines;
}

TEST(event_bus_redis, AfterRedisComesBackSubscribersGetAResyncAndThenNewEvents) {
  OwnRedis redis;
  auto bus = make_redis_event_bus(redis.url());
  const std::string job = unique_test_name("j");
  EventLog per_job;
  EventLog all_jobs;
  auto per_job_subscription = bus->subscribe(job, per_job.recorder());
  auto all_jobs_subscription = bus->subscribe("", all_jobs.recorder());
  bus->publish(event(job, 1));
  ASSERT_TRUE(wait_until([&] { return per_job.size() == 1 && all_jobs.size() == 1; }));
  EXPECT_TRUE(bus->healthy());

  redis.stop();
  EXPECT_NO_THROW(bus->publish(event(job, 2)));  // kept until Redis is back
  EXPECT_TRUE(wait_until([&] { return !bus->healthy(); }));

  redis.start();
  ASSERT_TRUE(wait_until([&] { return per_job.has_resync(job) && all_jobs.has_resync(""); }));
  EXPECT_TRUE(wait_until([&] { return bus->healthy(); }));
  bus->publish(event(job, 3));
  // The event published while Redis was down arrives too, before the next.
  ASSERT_TRUE(wait_until([&] { return per_job.size() == 4 && all_jobs.size() == 4; }));
  for (const EventLog* log : {&per_job, &all_jobs}) {
    std::vector<std::string> progress;
    for (const std::string& line : history(*log)) {
      if (line != "0 resync") progress.push_back(line);
    }
    EXPECT_EQ(progress, (std::vector<std::string>{"1 progress", "2 progress", "3 progress"}));
  }
}

TEST(event_bus_redis, ARestartIsNoticedEvenWhenRedisComesBackAtOnce) {
  OwnRedis redis;
  auto bus = make_redis_event_bus(redis.url());
  const std::string job = unique_test_name("j");
  EventLog log;
  auto subscription = bus->subscribe(job, log.recorder());
  redis.restart();
  ASSERT_TRUE(wait_until([&] { return log.has_resync(job); }));
  bus->publish(event(job, 1));
  ASSERT_TRUE(wait_until([&] { return log.size() == 2; }));
  EXPECT_EQ(history(log), (std::vector<std::string>{"0 resync", "1 progress"}));
}

TEST(event_bus_redis, ABusMadeWhileRedisIsDownWorksOnceRedisIsUp) {
  OwnRedis redis;
  redis.stop();
  const auto started = std::chrono::steady_clock::now();
  auto bus = make_redis_event_bus(redis.url());  // no throw: Redis may start after us
  EXPECT_LT(std::chrono::steady_clock::now() - started, 2s);
  EXPECT_FALSE(bus->healthy());
  const std::string job = unique_test_name("j");
  EventLog log;
  auto subscription = bus->subscribe(job, log.recorder());
  EXPECT_NO_THROW(bus->publish(event(job, 1)));

  redis.start();
  ASSERT_TRUE(wait_until([&] { return log.has_resync(job); }));
  EXPECT_TRUE(wait_until([&] { return bus->healthy(); }));
  bus->publish(event(job, 2));
  ASSERT_TRUE(wait_until([&] { return !history(log).empty() && history(log).back() == "2 progress"; }));
  // Event 1 waited for Redis; whether it came before the subscription was
  // back is a race, but it never comes after a later event.
  const std::vector<std::string> seen = history(log);
  EXPECT_EQ(seen.front(), "0 resync");
  EXPECT_TRUE(seen.size() == 2 || (seen.size() == 3 && seen[1] == "1 progress")) << seen.size();
}

TEST(event_bus_redis, AMessageThatIsNotAJobEventIsSkipped) {
  const std::string url = test::test_server_url("redis");
  auto bus = make_redis_event_bus(url);
  const std::string job = unique_test_name("j");
  EventLog per_job;
  EventLog all_jobs;
  auto per_job_subscription = bus->subscribe(job, per_job.recorder());
  auto all_jobs_subscription = bus->subscribe("", all_jobs.recorder({job, "other"}));

  RawRedisClient raw(url);
  const std::string channel = "soundscripter:jobs:" + job;
  for (const std::string& garbage : {
           std::string("not json"),
           std::string("[1, 2, 3]"),
           R"({"job": ")" + job + R"(", "type": "progress"})",              // no seq
           R"({"job": ")" + job + R"(", "seq": "1", "type": "progress"})",  // seq a string
           std::string(R"({"job": "other", "seq": 1, "type": "progress"})"),   // not the channel's job
       }) {
    raw.command({"PUBLISH", channel, garbage});
  }
  raw.command({"PUBLISH", channel, R"({"job": ")" + job + R"(", "seq": 5, "type": "progress", "progress": 1})"});
  bus->publish(event(job, 6));

  ASSERT_TRUE(wait_until([&] { return per_job.size() == 2 && all_jobs.size() == 2; }));
  EXPECT_EQ(per_job.seqs(job), (std::vector<std::int64_t>{5, 6}));
  EXPECT_EQ(all_jobs.seqs(job), (std::vector<std::int64_t>{5, 6}));
  EXPECT_EQ(per_job.events().front().data, (nlohmann::json{{"progress", 1}}));
  EXPECT_TRUE(bus->healthy());
}

TEST(event_bus_redis, APasswordInTheUrlIsUsedToAuthenticate) {
  OwnRedis redis;
  // Characters that must be percent-encoded in a URL, as an operator would write them.
  RawRedisClient(redis.url()).command({"CONFIG", "SET", "requirepass", "s3cr@t/pw"});
  const std::string address = redis.url().substr(std::string("redis://").size());

  auto bus = make_redis_event_bus("redis://:s3cr%40t%2Fpw@" + address);
  EXPECT_TRUE(bus->healthy());
  const std::string job = unique_test_name("j");
  EventLog log;
  auto subscription = bus->subscribe(job, log.recorder());
  bus->publish(event(job, 1));
  ASSERT_TRUE(wait_until([&] { return log.size() == 1; }));

  auto refused = make_redis_event_bus("redis://:wrong@" + address);
  EXPECT_NO_THROW(refused->publish(event(job, 2)));
  EXPECT_FALSE(refused->healthy());
}

TEST(event_bus_redis, DestroyingTheBusDoesNotWaitForItsListenerToTimeOut) {
  auto bus = make_redis_event_bus(test::test_server_url("redis"));
  ASSERT_TRUE(bus->healthy());  // its listener is waiting for messages
  const auto started = std::chrono::steady_clock::now();
  bus.reset();
  EXPECT_LT(std::chrono::steady_clock::now() - started, 500ms);
}

}  // namespace
}  // namespace soundscripter
