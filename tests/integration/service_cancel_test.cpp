// DELETE of a running job against a real server: the engine stops at once,
// the job's event stream says cancelled and ends, the worker takes the next
// job within a second or two, and the media is gone.
#include <gtest/gtest.h>

#include <thread>

#include "support/service_fixture.hpp"
#include "support/sse_client.hpp"
#include "support/test_media.hpp"

namespace soundscripter::test {
namespace {

class service_cancel : public ServiceTest {};

TEST_F(service_cancel, DeleteDuringProcessingStopsTheJobAndFreesTheWorker) {
  ServeProcess& server = start_server(fast_whisper_server_args(1));
  ServiceApi api(server.base_url());
  // Ten minutes of speech: far longer than the test waits.
  const std::string id = api.submit_ok(long_speech_file(10));
  const std::string next = api.submit_ok(jfk_wav());
  SseStream events(api.events_url(id), {api.headers(), nullptr, 60});
  ASSERT_EQ(api.wait_for_state(id, {"processing"})["state"], "processing");
  // Some of it is done, so the engine is really in the middle of it.
  ASSERT_TRUE(events.wait_for_events(3, 30));
  const auto media = server.data_dir() / "media" / (id + ".flac");
  ASSERT_TRUE(std::filesystem::exists(media));

  const auto cancelled_at = std::chrono::steady_clock::now();
  HttpReply deleted = api.http().del("/v1/jobs/" + id);
  ASSERT_EQ(deleted.status, 200) << deleted.describe();
  EXPECT_EQ(deleted.json()["deleted"], true);
  EXPECT_LT(deleted.seconds, 1.0);
  EXPECT_FALSE(std::filesystem::exists(media));
  EXPECT_EQ(api.http().get("/v1/jobs/" + id).status, 404);

  // The stream's last word is the cancellation, and then it ends.
  const SseResult stream = events.wait();
  EXPECT_EQ(stream.end, SseEnd::server_closed) << stream.error;
  ASSERT_FALSE(stream.events.empty());
  const nlohmann::json last = stream.events.back().json();
  EXPECT_EQ(last["type"], "state");
  EXPECT_EQ(last["state"], "cancelled") << last.dump();

  // The worker is free again: the next job starts within two seconds.
  api.wait_for_state(next, {"processing", "completed"}, std::chrono::seconds(2));
  EXPECT_LT(std::chrono::steady_clock::now() - cancelled_at, std::chrono::milliseconds(2500));
  EXPECT_EQ(api.wait_until_finished(next)["state"], "completed");
  EXPECT_FALSE(std::filesystem::exists(media));
}

TEST_F(service_cancel, DeleteOfAQueuedJobTakesItOffTheQueue) {
  ServeProcess& server = start_server(fast_whisper_server_args(1));
  ServiceApi api(server.base_url());
  const std::string busy = api.submit_ok(long_speech_file(2));
  const std::string waiting = api.submit_ok(jfk_wav());
  const std::string after = api.submit_ok(jfk_as(MediaFormat::opus));
  ASSERT_EQ(api.job(waiting)["state"], "queued");
  ASSERT_EQ(api.http().del("/v1/jobs/" + waiting).status, 200);
  EXPECT_EQ(api.wait_until_finished(after)["state"], "completed");
  EXPECT_EQ(api.http().get("/v1/jobs/" + waiting).status, 404);
  const nlohmann::json list = api.http().get("/v1/jobs").json();
  EXPECT_EQ(list["total"], 2) << list.dump();
  EXPECT_EQ(api.job(busy)["state"], "completed");
}

}  // namespace
}  // namespace soundscripter::test
