// One long file split across workers: the API or worker that takes it cuts
// it at silences into chunk tickets, every free worker (thread in embedded
// mode, process in distributed mode) runs one, and the chunks are stitched
// into the transcript that one run over the whole file gives.
#include <gtest/gtest.h>

#include <algorithm>
#include <optional>
#include <set>

#include "engine/media_transcription.hpp"
#include "support/service_fixture.hpp"
#include "support/sse_client.hpp"
#include "support/test_media.hpp"

namespace soundscripter::test {
namespace {

class service_split : public ServiceTest {};

TEST_F(service_split, ALongFileRunsAsChunksOnSeveralWorkersAndGivesTheTextOfOneRun) {
  const auto media = long_speech_file(2, MediaFormat::mp3);
  const auto model = random_whisper_model("test", /*multilingual=*/true);
  ServeProcess& server = start_server({"--engine", "whisper", "--model", model.string(),
                                       "--threads-per-job", "1", "--workers", "3",
                                       "--chunk-length", "30s"});
  ServiceApi api(server.base_url());
  const std::string id = api.submit_ok(media);  // language auto: detected on the first chunk
  const nlohmann::json job = api.wait_until_finished(id);
  ASSERT_EQ(job["state"], "completed") << job.dump();

  // What one run over the whole file gives, with the job's options.
  const Transcript one_run = one_run_transcript(media, model, 30);
  ASSERT_GE(one_run.segments.size(), 4u);
  const HttpReply transcript = api.http().get("/v1/jobs/" + id + "/transcript?format=json");
  ASSERT_EQ(transcript.status, 200) << transcript.body;
  // The API writes times in milliseconds.
  auto same_segments = [&](const std::vector<nlohmann::json>& segments) {
    ASSERT_EQ(segments.size(), one_run.segments.size());
    for (std::size_t i = 0; i < segments.size(); ++i) {
      EXPECT_EQ(segments[i]["text"], one_run.segments[i].text) << i;
      EXPECT_NEAR(segments[i]["start"].get<double>(), one_run.segments[i].start, 5e-4) << i;
      EXPECT_NEAR(segments[i]["end"].get<double>(), one_run.segments[i].end, 5e-4) << i;
    }
  };
  const nlohmann::json served = transcript.json();
  same_segments(served["segments"].get<std::vector<nlohmann::json>>());
  EXPECT_EQ(served["language"], one_run.language);
  EXPECT_NEAR(served["duration"].get<double>(), one_run.duration, 5e-4);

  // The job's history: every segment once, in time order, as in the
  // transcript, and before `completed`; progress reached 100 %.
  const SseResult events = read_sse(api.events_url(id), {});
  std::vector<nlohmann::json> segments;
  double last_progress = 0;
  for (const SseEvent& event : events.events) {
    if (event.event == "segment") segments.push_back(event.json()["segment"]);
    if (event.event == "progress") last_progress = event.json()["progress"].get<double>();
  }
  ASSERT_FALSE(events.events.empty());
  EXPECT_EQ(events.events.back().event, "state");
  EXPECT_EQ(events.events.back().json()["state"], "completed");
  same_segments(segments);
  EXPECT_EQ(last_progress, 1.0);

  // The chunks ran apart: in distributed mode on more than one worker process.
  if (distributed_) {
    int workers_with_chunks = 0;
    for (const auto& worker : workers()) {
      if (worker->log(100000).find("\"chunk\":") != std::string::npos) ++workers_with_chunks;
    }
    EXPECT_GE(workers_with_chunks, 2);
  } else {
    EXPECT_NE(server.log(100000).find("job split into"), std::string::npos);
  }
}

// A long job's first segments go out while its first chunk is still being
// transcribed, not when the chunk is done: in the job's history the first
// segment comes before its progress reaches half of the first chunk's share.
TEST_F(service_split, SegmentsOfTheChunkBeingTranscribedGoOutAsTheyAreDecoded) {
  const auto media = long_speech_file(4, MediaFormat::flac);
  const auto model = random_whisper_model("test", /*multilingual=*/true);
  ServeProcess& server = start_server({"--engine", "whisper", "--model", model.string(),
                                       "--threads-per-job", "1", "--workers", "1",
                                       "--chunk-length", "120s"});
  const ChunkPlan plan = plan_chunks(media, {120, 20}, {});
  ASSERT_GE(plan.spans.size(), 2u);
  const AudioSpan& last = plan.spans.back();
  const double first_chunk_share = static_cast<double>(plan.spans.front().sample_count) /
                                   static_cast<double>(last.start_sample + last.sample_count);
  ServiceApi api(server.base_url());
  const std::string id = api.submit_ok(media);
  ASSERT_EQ(api.wait_until_finished(id)["state"], "completed");

  const SseResult events = read_sse(api.events_url(id), {});
  double progress = 0;
  std::optional<double> progress_at_first_segment;
  std::vector<double> starts;
  for (const SseEvent& event : events.events) {
    if (event.event == "progress") progress = event.json()["progress"].get<double>();
    if (event.event != "segment") continue;
    if (!progress_at_first_segment) progress_at_first_segment = progress;
    starts.push_back(event.json()["segment"]["start"].get<double>());
  }
  ASSERT_TRUE(progress_at_first_segment) << "no segment event";
  EXPECT_LT(*progress_at_first_segment, first_chunk_share / 2);
  // In time order, each once: as many as the transcript has.
  EXPECT_TRUE(std::is_sorted(starts.begin(), starts.end()));
  const nlohmann::json transcript = api.http().get("/v1/jobs/" + id + "/transcript?format=json").json();
  EXPECT_EQ(starts.size(), transcript["segments"].size());
}

TEST_F(service_split, CancellingASplitJobStopsEveryChunk) {
  const auto media = long_speech_file(4, MediaFormat::flac);
  // The "tiny" shape is slow enough on one thread (a 60-s chunk runs for
  // about 3 s) to cancel mid-way.
  ServeProcess& server = start_server({"--engine", "whisper", "--model",
                                       random_whisper_model("tiny").string(), "--threads-per-job",
                                       "1", "--workers", "2", "--chunk-length", "60s"});
  ServiceApi api(server.base_url());
  const std::string id = api.submit_ok(media);
  // Wait until a worker lists one of its chunks ("ID#INDEX") as running,
  // give it half a second to be well into it, then cancel.
  nlohmann::json seen;
  auto a_chunk_runs = [&] {
    seen = api.http().get("/v1/workers").json();
    for (const auto& worker : seen["workers"]) {
      for (const auto& key : worker["jobs"]) {
        if (key.get<std::string>().starts_with(id + "#")) return true;
      }
    }
    return false;
  };
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  bool running = false;
  while (!(running = a_chunk_runs()) && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_TRUE(running) << "no worker lists a chunk of the job: " << seen.dump() << " " << api.job(id).dump();
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  const HttpReply cancel = api.http().del("/v1/jobs/" + id);
  ASSERT_EQ(cancel.status, 200) << cancel.body;
  // Every slot is free again within a few seconds: no chunk ran on.
  const auto free_by = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  bool idle = false;
  while (!idle && std::chrono::steady_clock::now() < free_by) {
    const nlohmann::json workers = api.http().get("/v1/workers").json();
    int busy = 0;
    for (const auto& worker : workers["workers"]) busy += worker["busy"].get<int>();
    idle = busy == 0;
    if (!idle) std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  EXPECT_TRUE(idle);
  // The chunks that ran were stopped, not left to finish (as the logs,
  // written as they flush, say within a few seconds).
  auto a_chunk_was_cancelled = [&] {
    std::string logs = server.log(100000);
    for (const auto& worker : workers()) logs += worker->log(100000);
    for (std::size_t at = logs.find("\"msg\":\"cancelled\""); at != std::string::npos;
         at = logs.find("\"msg\":\"cancelled\"", at + 1)) {
      if (logs.substr(at, logs.find('\n', at) - at).find("\"chunk\":") != std::string::npos) return true;
    }
    return false;
  };
  bool chunk_cancelled = false;
  for (int i = 0; i < 50 && !chunk_cancelled; ++i) {
    chunk_cancelled = a_chunk_was_cancelled();
    if (!chunk_cancelled) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_TRUE(chunk_cancelled);
  // And a new job runs at once.
  const std::string next = api.submit_ok(jfk_as(MediaFormat::wav));
  EXPECT_EQ(api.wait_until_finished(next, std::chrono::seconds(60))["state"], "completed");
}

}  // namespace
}  // namespace soundscripter::test
