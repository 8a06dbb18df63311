// The queue's order against a real server with one worker: a high-priority
// job submitted behind 50 low ones starts next, and equal priorities run
// first in, first out.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>

#include "support/service_fixture.hpp"
#include "support/test_media.hpp"

namespace soundscripter::test {
namespace {

class service_priority : public ServiceTest {};

// The server's clock for started_at: seconds since 1970.
double unix_seconds() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

TEST_F(service_priority, HighJobBehindFiftyLowOnesStartsNext) {
  // One worker, kept busy by one job run whole (not split into chunks,
  // which the high job would rightly overtake).
  auto args = fast_whisper_server_args(1);
  args.insert(args.end(), {"--split-chunks", "false"});
  ServeProcess& server = start_server(args);
  ServiceApi api(server.base_url());
  // Keeps the only worker busy while the queue fills (ten minutes of
  // speech: far longer than that takes), then is deleted to free it.
  const std::string slow = api.submit_ok(long_speech_file(10));
  api.wait_for_state(slow, {"processing"});

  auto fields_with = [](const std::string& priority) {
    auto fields = fast_whisper_fields();
    fields.push_back(FormPart::field("priority", priority));
    return fields;
  };
  const auto small = jfk_as(MediaFormat::opus);
  std::vector<std::string> low;
  for (int i = 0; i < 50; ++i) low.push_back(api.submit_ok(small, fields_with("low")));
  const std::string high = api.submit_ok(small, fields_with("high"));
  ASSERT_EQ(api.job(high)["request"]["priority"], 8);
  ASSERT_EQ(api.job(low.front())["request"]["priority"], 2);
  // Otherwise the worker was free and the order says nothing.
  ASSERT_EQ(api.job(slow)["state"], "processing") << "the slow job ended before the queue was full";
  for (const auto& id : low) ASSERT_EQ(api.job(id)["state"], "queued");
  const double freed_at = unix_seconds();
  ASSERT_EQ(api.http().del("/v1/jobs/" + slow).status, 200);

  const nlohmann::json high_done = api.wait_until_finished(high);
  ASSERT_EQ(high_done["state"], "completed") << high_done.dump();
  const double high_started = high_done["started_at"].get<double>();
  EXPECT_GE(high_started, freed_at);

  // Then the low ones, oldest first; none of them ran before the high one.
  api.wait_for_state(low[2], {"processing", "completed"});
  std::vector<double> low_started;
  bool gap = false;  // a low job not started yet: every later one must wait too
  for (const auto& id : low) {
    const nlohmann::json job = api.job(id);
    if (job["started_at"].is_null()) {
      gap = true;
      continue;
    }
    EXPECT_FALSE(gap) << "low job " << id << " started before an older one";
    low_started.push_back(job["started_at"].get<double>());
    EXPECT_GT(low_started.back(), high_started) << "low job " << id << " started before the high one";
  }
  ASSERT_GE(low_started.size(), 3u);
  EXPECT_LT(low_started.size(), low.size());
  EXPECT_TRUE(std::is_sorted(low_started.begin(), low_started.end())) << "equal priorities did not run in order";
}

}  // namespace
}  // namespace soundscripter::test
