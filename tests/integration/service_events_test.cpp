// Server-Sent Events against a real server: every event has the next `id:`,
// Last-Event-ID resumes with exactly the events after it (no gap, no
// duplicate), a terminal state ends a job's stream, and GET /v1/events
// carries every job.
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "support/service_fixture.hpp"
#include "support/sse_client.hpp"
#include "support/test_media.hpp"

namespace soundscripter::test {
namespace {

bool is_terminal(const nlohmann::json& event) {
  if (event.value("type", "") != "state") return false;
  const std::string state = event.value("state", "");
  return state == "completed" || state == "failed" || state == "cancelled";
}

// The checks every job stream must pass: ids 1, 2, 3, ... (or from `first`),
// each frame's `event:` is its data's type, and data names the job and seq.
void expect_well_formed(const std::vector<SseEvent>& events, const std::string& job, int first = 1) {
  for (std::size_t i = 0; i < events.size(); ++i) {
    const nlohmann::json data = events[i].json();
    EXPECT_EQ(events[i].id, std::to_string(first + static_cast<int>(i))) << "event " << i << ": " << events[i].data;
    EXPECT_EQ(events[i].event, data.value("type", "")) << events[i].data;
    EXPECT_EQ(data.value("job", ""), job) << events[i].data;
    EXPECT_EQ(data.value("seq", -1), first + static_cast<int>(i)) << events[i].data;
  }
}

class service_events : public ServiceTest {};

TEST_F(service_events, JobStreamHasEveryStepInOrderAndEndsWithTheTerminalState) {
  ServeProcess& server = start_server();
  ServiceApi api(server.base_url());
  const std::string id = api.submit_ok(jfk_wav());
  const SseResult result = read_sse(api.events_url(id), {api.headers(), nullptr, 60});
  EXPECT_EQ(result.status, 200);
  EXPECT_TRUE(result.content_type.starts_with("text/event-stream")) << result.content_type;
  EXPECT_EQ(result.end, SseEnd::server_closed) << result.error;
  ASSERT_GE(result.events.size(), 4u);
  expect_well_formed(result.events, id);

  std::vector<std::string> states;
  std::set<std::string> types;
  double last_progress = 0;
  for (const auto& event : result.events) {
    const nlohmann::json data = event.json();
    types.insert(data.value("type", ""));
    if (data["type"] == "state") states.push_back(data.value("state", ""));
    if (data["type"] == "progress") {
      const double progress = data.value("progress", -1.0);
      EXPECT_GE(progress, last_progress) << event.data;
      last_progress = progress;
    }
    if (data["type"] == "segment") {
      EXPECT_TRUE(data["segment"].contains("text")) << event.data;
    }
  }
  EXPECT_EQ(states, (std::vector<std::string>{"queued", "processing", "completed"}));
  EXPECT_TRUE(types.count("progress")) << "no progress events";
  EXPECT_TRUE(types.count("segment")) << "no segment events";
  EXPECT_EQ(last_progress, 1.0);
  EXPECT_TRUE(is_terminal(result.events.back().json()));
}

TEST_F(service_events, LastEventIdResumesWithoutGapsOrDuplicates) {
  ServeProcess& server = start_server(fast_whisper_server_args(1));
  ServiceApi api(server.base_url());
  // Long enough that the first reader leaves in the middle of the job.
  const std::string id = api.submit_ok(long_speech_file(1));
  SseOptions first_part{api.headers(), [](const std::vector<SseEvent>& events) {
                          return events.size() >= 4 && events.back().json().value("type", "") == "progress";
                        },
                        60};
  const SseResult first = read_sse(api.events_url(id), first_part);
  ASSERT_EQ(first.end, SseEnd::stopped) << "the job ended before the reader left";
  const std::string last_id = first.events.back().id;

  const SseResult rest = read_sse(api.events_url(id), {api.headers({{"Last-Event-ID", last_id}}), nullptr, 120});
  EXPECT_EQ(rest.end, SseEnd::server_closed) << rest.error;
  ASSERT_FALSE(rest.events.empty());
  EXPECT_TRUE(is_terminal(rest.events.back().json()));

  std::vector<SseEvent> joined = first.events;
  joined.insert(joined.end(), rest.events.begin(), rest.events.end());
  expect_well_formed(joined, id);

  // The same as one reader that saw it all, event for event.
  const SseResult whole = read_sse(api.events_url(id), {api.headers(), nullptr, 30});
  ASSERT_EQ(whole.events.size(), joined.size());
  for (std::size_t i = 0; i < joined.size(); ++i) EXPECT_EQ(whole.events[i].data, joined[i].data) << i;

  // From any point of a finished job: exactly the events after it.
  for (int after : {1, 3, static_cast<int>(whole.events.size()) - 1}) {
    const SseResult resumed =
        read_sse(api.events_url(id), {api.headers({{"Last-Event-ID", std::to_string(after)}}), nullptr, 30});
    ASSERT_EQ(resumed.events.size(), whole.events.size() - after) << "after " << after;
    expect_well_formed(resumed.events, id, after + 1);
    EXPECT_EQ(resumed.end, SseEnd::server_closed);
  }
  // ?last_event_id= does the same for clients that cannot set headers.
  const SseResult by_query = read_sse(api.events_url(id) + "?last_event_id=2", {api.headers(), nullptr, 30});
  ASSERT_EQ(by_query.events.size(), whole.events.size() - 2);
  expect_well_formed(by_query.events, id, 3);
  // A Last-Event-ID that is not a number is refused.
  EXPECT_EQ(read_sse(api.events_url(id), {api.headers({{"Last-Event-ID", "abc"}}), nullptr, 10}).status, 400);
}

TEST_F(service_events, ResumingAFinishedJobAfterItsLastEventEndsAtOnce) {
  ServeProcess& server = start_server();
  ServiceApi api(server.base_url());
  const std::string id = api.submit_ok(jfk_as(MediaFormat::opus));
  const SseResult whole = read_sse(api.events_url(id), {api.headers(), nullptr, 60});
  ASSERT_FALSE(whole.events.empty());
  // An EventSource reconnects after the server closes, sending the last id
  // it saw; the stream of a finished job has nothing more to say.
  const SseResult again =
      read_sse(api.events_url(id), {api.headers({{"Last-Event-ID", whole.events.back().id}}), nullptr, 5});
  EXPECT_EQ(again.status, 204);
  EXPECT_TRUE(again.events.empty());
  EXPECT_NE(again.end, SseEnd::timed_out) << "the stream of a finished job stayed open";
}

TEST_F(service_events, AllEventsStreamCarriesEveryJob) {
  ServeProcess& server = start_server();
  ServiceApi api(server.base_url());
  constexpr int kJobs = 3;
  SseOptions options{api.headers(), [](const std::vector<SseEvent>& events) {
                       int finished = 0;
                       for (const auto& event : events) finished += is_terminal(event.json());
                       return finished == kJobs;
                     },
                     120};
  SseStream stream(api.events_url(), options);
  ASSERT_TRUE(stream.wait_open());
  std::set<std::string> submitted;
  for (int i = 0; i < kJobs; ++i) submitted.insert(api.submit_ok(jfk_as(MediaFormat::opus)));
  const SseResult result = stream.wait();
  ASSERT_EQ(result.end, SseEnd::stopped) << "not every job finished on the stream";

  // Ids are "job:seq", rising per job from 1.
  std::map<std::string, int> last_seq;
  for (const auto& event : result.events) {
    const nlohmann::json data = event.json();
    const std::string job = data.value("job", "");
    EXPECT_TRUE(submitted.count(job)) << event.data;
    const int seq = data.value("seq", -1);
    EXPECT_EQ(event.id, job + ":" + std::to_string(seq));
    EXPECT_EQ(seq, last_seq[job] + 1) << event.data;
    last_seq[job] = seq;
  }
  EXPECT_EQ(last_seq.size(), static_cast<std::size_t>(kJobs));

  // An EventSource reconnecting sends the last "job:seq" id it saw back;
  // that must not be refused.
  const SseResult reconnected = read_sse(
      api.events_url(), {api.headers({{"Last-Event-ID", result.events.back().id}}),
                         [](const std::vector<SseEvent>&) { return true; }, 1});
  EXPECT_EQ(reconnected.status, 200) << reconnected.body;
}

TEST_F(service_events, TheEveryJobStreamResumesAfterTheLastIdItSawWithWhatHappenedMeanwhile) {
  ServeProcess& server = start_server();
  ServiceApi api(server.base_url());
  auto finished_job = [](const std::string& job) {
    return [job](const std::vector<SseEvent>& events) {
      for (const auto& event : events) {
        if (event.json().value("job", "") == job && is_terminal(event.json())) return true;
      }
      return false;
    };
  };
  // Seen live: job A to its end.
  SseStream first(api.events_url(), {api.headers(), nullptr, 120});
  ASSERT_TRUE(first.wait_open());
  const std::string a = api.submit_ok(jfk_as(MediaFormat::wav));
  api.wait_until_finished(a);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  first.abort();
  const SseResult seen = first.wait();
  ASSERT_FALSE(seen.events.empty());
  ASSERT_TRUE(finished_job(a)(seen.events));
  const std::string last_id = seen.events.back().id;

  // Meanwhile, with no stream open: job B runs from start to end.
  const std::string b = api.submit_ok(jfk_as(MediaFormat::wav));
  ASSERT_EQ(api.wait_until_finished(b)["state"], "completed");

  // Back with the last id: B's events, all of them and in order, none of A's again.
  const SseResult resumed = read_sse(
      api.events_url(), {api.headers({{"Last-Event-ID", last_id}}), finished_job(b), 30});
  ASSERT_EQ(resumed.end, SseEnd::stopped) << "B's events were not replayed";
  std::int64_t expected_seq = 1;
  for (const auto& event : resumed.events) {
    const nlohmann::json data = event.json();
    EXPECT_EQ(data.value("job", ""), b) << event.data;
    EXPECT_EQ(data.value("seq", 0), expected_seq++) << event.data;
  }
  // An id that names no event (or is not an id) replays nothing and is not refused.
  for (const std::string& id : {b + ":999", std::string("not-an-id"), std::string(":5")}) {
    const SseResult fresh = read_sse(api.events_url(), {api.headers({{"Last-Event-ID", id}}),
                                                        [](const std::vector<SseEvent>&) { return true; }, 1});
    EXPECT_EQ(fresh.status, 200) << id;
    EXPECT_TRUE(fresh.events.empty()) << id;
  }
}

}  // namespace
}  // namespace soundscripter::test
