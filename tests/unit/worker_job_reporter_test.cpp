// StoreJobReporter: what a worker's reports do to the store and the bus —
// compare-and-set starts, redeliveries while the holder still beats, the
// result stored before `completed`, and cancels seen from anywhere.
#include <atomic>
#include <mutex>

#include <gtest/gtest.h>

#include "support/temp_dir.hpp"
#include "queue/job_ticket.hpp"
#include "worker/job_reporter.hpp"

namespace soundscripter {
namespace {

using Verdict = JobReporter::Start::Verdict;

class worker_job_reporter : public ::testing::Test {
 protected:
  void SetUp() override {
    Job job;
    job.id = "j_1";
    job.created_at = unix_now();
    store_->create(job);
  }

  void beat_as(const std::string& worker_id, std::vector<std::string> jobs) {
    WorkerInfo worker;
    worker.id = worker_id;
    worker.host = "elsewhere";
    worker.slots = 1;
    worker.busy = static_cast<int>(jobs.size());
    worker.jobs = std::move(jobs);
    store_->beat_worker(worker);
  }

  test::TempDir dir_{"soundscripter-reporter"};
  std::unique_ptr<JobStore> store_ = make_sqlite_job_store((dir_ / "jobs.db").string());
  std::unique_ptr<EventBus> bus_ = make_in_process_event_bus();
  JobEvents events_{*store_, *bus_};
  std::unique_ptr<JobReporter> reporter_ = make_store_job_reporter(*store_, events_, *bus_, "me");
};

TEST_F(worker_job_reporter, AQueuedJobStartsOnceAndCountsItsAttempt) {
  auto first = reporter_->started("j_1", false);
  EXPECT_EQ(first.verdict, Verdict::run);
  EXPECT_EQ(first.attempt, 1);
  EXPECT_EQ(store_->get("j_1")->state, JobState::processing);
  // A second delivery of the same job (a duplicate publish) is stale.
  EXPECT_EQ(reporter_->started("j_1", false).verdict, Verdict::stale);
  auto events = store_->events_after("j_1", 0);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].data.at("state"), "processing");
}

TEST_F(worker_job_reporter, ACancelledOrMissingJobIsStale) {
  ASSERT_TRUE(store_->transition("j_1", {JobState::queued}, JobState::cancelled));
  EXPECT_EQ(reporter_->started("j_1", false).verdict, Verdict::stale);
  EXPECT_EQ(reporter_->started("j_1", true).verdict, Verdict::stale);
  EXPECT_EQ(reporter_->started("no_such_job", true).verdict, Verdict::stale);
}

TEST_F(worker_job_reporter, ARedeliveredJobWaitsWhileItsHolderBeatsAndRunsOnceItStops) {
  ASSERT_EQ(reporter_->started("j_1", false).verdict, Verdict::run);
  beat_as("other", {"j_1"});
  EXPECT_EQ(reporter_->started("j_1", true).verdict, Verdict::held_elsewhere);
  EXPECT_EQ(store_->get("j_1")->attempts, 1);
  // This worker's own heartbeat never counts against it.
  store_->forget_worker("other");
  beat_as("me", {"j_1"});
  auto again = reporter_->started("j_1", true);
  EXPECT_EQ(again.verdict, Verdict::run);
  EXPECT_EQ(again.attempt, 2);
}

TEST_F(worker_job_reporter, TheResultIsStoredBeforeCompletedIsPublished) {
  std::atomic<bool> had_result_when_completed{false};
  std::atomic<int> completed_events{0};
  auto watcher = bus_->subscribe("j_1", [&](const JobEvent& event) {
    if (event.type == "state" && event.data.at("state") == "completed") {
      had_result_when_completed = store_->result("j_1").has_value();
      ++completed_events;
    }
  });
  ASSERT_EQ(reporter_->started("j_1", false).verdict, Verdict::run);
  Transcript transcript;
  transcript.language = "en";
  transcript.duration = 2;
  transcript.segments.push_back({0, 2, "hello", {}});
  EXPECT_TRUE(reporter_->completed("j_1", transcript));
  EXPECT_EQ(completed_events, 1);
  EXPECT_TRUE(had_result_when_completed);
  EXPECT_EQ(store_->get("j_1")->state, JobState::completed);
  // A late failure report changes nothing.
  reporter_->failed("j_1", ErrorCode::engine_failed, "too late");
  EXPECT_EQ(store_->get("j_1")->state, JobState::completed);
}

TEST_F(worker_job_reporter, AJobDeletedAsItFinishesWasCancelledNotFailed) {
  ASSERT_EQ(reporter_->started("j_1", false).verdict, Verdict::run);
  ASSERT_TRUE(store_->transition("j_1", {JobState::processing}, JobState::cancelled));
  store_->remove("j_1");  // DELETE: the row the result would belong to is gone
  Transcript transcript;
  transcript.segments.push_back({0, 1, "hello", {}});
  EXPECT_FALSE(reporter_->completed("j_1", transcript)) << "a deleted job's result has nowhere to go";
  EXPECT_FALSE(reporter_->failed("j_1", ErrorCode::not_found, "the job's media is gone"))
      << "a job deleted while it ran did not fail";
  EXPECT_FALSE(store_->get("j_1"));
}

TEST_F(worker_job_reporter, ACancelFromAnywhereReachesTheWatcherOnce) {
  ASSERT_EQ(reporter_->started("j_1", false).verdict, Verdict::run);
  std::atomic<int> fired{0};
  auto watch = reporter_->watch_cancel("j_1", [&] { ++fired; });
  events_.progress("j_1", 0.5);
  EXPECT_EQ(fired, 0);
  // What the API of any process does on DELETE: the state, then the event.
  ASSERT_TRUE(store_->transition("j_1", {JobState::processing}, JobState::cancelled));
  events_.state("j_1", JobState::cancelled, {{"deleted", true}});
  events_.state("j_1", JobState::cancelled);
  EXPECT_EQ(fired, 1);
}

TEST_F(worker_job_reporter, AJobCancelledBeforeTheWatchStartsFiresAtOnce) {
  ASSERT_TRUE(store_->transition("j_1", {JobState::queued}, JobState::cancelled));
  std::atomic<int> fired{0};
  auto watch = reporter_->watch_cancel("j_1", [&] { ++fired; });
  EXPECT_EQ(fired, 1);
}

TEST_F(worker_job_reporter, RequeuedGoesBackToQueuedWithTheReason) {
  ASSERT_EQ(reporter_->started("j_1", false).verdict, Verdict::run);
  reporter_->requeued("j_1", "attempt 1 failed: broker away");
  EXPECT_EQ(store_->get("j_1")->state, JobState::queued);
  auto events = store_->events_after("j_1", 0);
  ASSERT_FALSE(events.empty());
  EXPECT_EQ(events.back().data.at("reason"), "attempt 1 failed: broker away");
  EXPECT_EQ(reporter_->started("j_1", true).attempt, 2);
}

}  // namespace
}  // namespace soundscripter

namespace soundscripter {
namespace {

Transcript one_segment(double start, double end, const std::string& text) {
  Transcript part;
  part.language = "en";
  part.segments = {{start, end, text, {}}};
  return part;
}

// A job split into three 10-second chunks (at 16 kHz).
class worker_split_job_reporter : public worker_job_reporter {
 protected:
  void SetUp() override {
    worker_job_reporter::SetUp();
    ASSERT_EQ(reporter_->started("j_1", false).verdict, Verdict::run);
    chunks_ = reporter_->split("j_1", {{0, 160000}, {160000, 160000}, {320000, 160000}});
  }
  std::vector<std::string> segment_texts() {
    std::vector<std::string> texts;
    for (const JobEvent& event : store_->events_after("j_1", 0)) {
      if (event.type == "segment") texts.push_back(event.data["segment"]["text"]);
    }
    return texts;
  }
  std::vector<JobChunk> chunks_;
};

TEST_F(worker_split_job_reporter, ChunksFinishingOutOfOrderSendSegmentsInOrderThenCompleteTheJob) {
  ASSERT_EQ(chunks_.size(), 3u);
  for (int index : {2, 0, 1}) ASSERT_EQ(reporter_->chunk_started("j_1", index, JobRequest{}).verdict, Verdict::run);
  reporter_->chunk_progress("j_1", 1, 0.5);
  EXPECT_NEAR(store_->get("j_1")->progress, 0.5 / 3, 1e-9);  // the share of the audio done

  EXPECT_TRUE(reporter_->chunk_completed("j_1", 2, one_segment(1, 2, "third"), "auto"));
  EXPECT_TRUE(segment_texts().empty());  // not its turn
  EXPECT_TRUE(reporter_->chunk_completed("j_1", 0, one_segment(1, 2, "first"), "auto"));
  EXPECT_EQ(segment_texts(), (std::vector<std::string>{"first"}));
  EXPECT_EQ(store_->get("j_1")->state, JobState::processing);
  EXPECT_TRUE(reporter_->chunk_completed("j_1", 1, one_segment(1, 2, "second"), "auto"));
  EXPECT_EQ(segment_texts(), (std::vector<std::string>{"first", "second", "third"}));

  const auto job = store_->get("j_1");
  EXPECT_EQ(job->state, JobState::completed);
  const auto result = store_->result("j_1");
  ASSERT_TRUE(result);
  ASSERT_EQ(result->segments.size(), 3u);
  EXPECT_EQ(result->segments[1].text, "second");
  EXPECT_DOUBLE_EQ(result->segments[1].start, 11.0);  // shifted by its chunk's offset
  EXPECT_DOUBLE_EQ(result->segments[2].start, 21.0);
  EXPECT_DOUBLE_EQ(result->duration, 30.0);
  // `completed` is the last event, after every segment.
  EXPECT_EQ(store_->events_after("j_1", 0).back().data.value("state", ""), "completed");
}

// Segments of running chunks go out as they are decoded, in time order:
// the first chunk's at once, a later chunk's kept until the chunks before
// it have sent theirs; completing a chunk sends only those not sent live.
TEST_F(worker_split_job_reporter, RunningChunksSendTheirSegmentsLiveInTimeOrderAndOnlyOnce) {
  for (int index : {0, 1}) ASSERT_EQ(reporter_->chunk_started("j_1", index, JobRequest{}).verdict, Verdict::run);
  auto first = reporter_->live_chunk_segments("j_1", 0);
  auto second = reporter_->live_chunk_segments("j_1", 1);
  second({1, 2, "b1", {}});  // chunk 0 is not done: not its turn
  first({1, 2, "a1", {}});
  EXPECT_EQ(segment_texts(), (std::vector<std::string>{"a1"}));
  first({3, 4, "a2", {}});
  EXPECT_EQ(segment_texts(), (std::vector<std::string>{"a1", "a2"}));

  Transcript part_a = one_segment(1, 2, "a1");
  part_a.segments.push_back({3, 4, "a2", {}});
  part_a.segments.push_back({5, 6, "a3", {}});  // decoded as the chunk ended
  EXPECT_TRUE(reporter_->chunk_completed("j_1", 0, part_a, "en"));
  EXPECT_EQ(segment_texts(), (std::vector<std::string>{"a1", "a2", "a3"}));
  // Now chunk 1's turn: what it kept goes out with its next segment, at
  // its place in the job (chunk 1 starts at 10 s).
  second({3, 4, "b2", {}});
  EXPECT_EQ(segment_texts(), (std::vector<std::string>{"a1", "a2", "a3", "b1", "b2"}));
  const auto events = store_->events_after("j_1", 0);
  EXPECT_DOUBLE_EQ(events.back().data["segment"]["start"].get<double>(), 13.0);

  Transcript part_b = one_segment(1, 2, "b1");
  part_b.segments.push_back({3, 4, "b2", {}});
  EXPECT_TRUE(reporter_->chunk_completed("j_1", 1, part_b, "en"));
  ASSERT_EQ(reporter_->chunk_started("j_1", 2, JobRequest{}).verdict, Verdict::run);
  EXPECT_TRUE(reporter_->chunk_completed("j_1", 2, one_segment(0, 1, "c1"), "en"));
  EXPECT_EQ(segment_texts(), (std::vector<std::string>{"a1", "a2", "a3", "b1", "b2", "c1"}));
  EXPECT_EQ(store_->get("j_1")->state, JobState::completed);
}

// A chunk whose worker died after sending two segments live runs again
// elsewhere: the new run sends only what comes after those two.
TEST_F(worker_split_job_reporter, AChunkRedoneAfterItsWorkerDiedSendsOnlyWhatTheFirstRunDidNot) {
  ASSERT_EQ(reporter_->chunk_started("j_1", 0, JobRequest{}).verdict, Verdict::run);
  auto dead = reporter_->live_chunk_segments("j_1", 0);
  dead({1, 2, "a1", {}});
  dead({3, 4, "a2", {}});
  // The worker is gone; another takes the chunk over (attempt 2).
  auto other = make_store_job_reporter(*store_, events_, *bus_, "w3");
  ASSERT_EQ(other->chunk_started("j_1", 0, JobRequest{}).verdict, Verdict::run);
  auto again = other->live_chunk_segments("j_1", 0);
  again({1, 2, "a1", {}});
  again({3, 4, "a2", {}});
  EXPECT_EQ(segment_texts(), (std::vector<std::string>{"a1", "a2"}));
  again({5, 6, "a3", {}});
  EXPECT_EQ(segment_texts(), (std::vector<std::string>{"a1", "a2", "a3"}));
  // A segment the dead run still reports after the new run went on is not
  // sent: its count moved on.
  dead({5, 6, "a3", {}});
  EXPECT_EQ(segment_texts(), (std::vector<std::string>{"a1", "a2", "a3"}));

  Transcript part = one_segment(1, 2, "a1");
  part.segments.push_back({3, 4, "a2", {}});
  part.segments.push_back({5, 6, "a3", {}});
  part.segments.push_back({7, 8, "a4", {}});
  EXPECT_TRUE(other->chunk_completed("j_1", 0, part, "en"));
  EXPECT_EQ(segment_texts(), (std::vector<std::string>{"a1", "a2", "a3", "a4"}));
  // After its completion a late live report sends nothing.
  again({7, 8, "a4", {}});
  EXPECT_EQ(segment_texts(), (std::vector<std::string>{"a1", "a2", "a3", "a4"}));
}

TEST_F(worker_split_job_reporter, AChunkRunningOnALiveWorkerIsHeldAndOneLeftByADeadWorkerIsTakenOver) {
  ASSERT_EQ(reporter_->chunk_started("j_1", 0, JobRequest{}).verdict, Verdict::run);
  // Another process's view: worker "w2" beats with chunk 0 as its own.
  beat_as("w2", {chunk_run_key("j_1", 0)});
  auto other = make_store_job_reporter(*store_, events_, *bus_, "w3");
  EXPECT_EQ(other->chunk_started("j_1", 0, JobRequest{}).verdict, Verdict::held_elsewhere);
  // w2 is forgotten (stopped beating): its chunk runs again, as attempt 2.
  store_->forget_worker("w2");
  const auto taken = other->chunk_started("j_1", 0, JobRequest{});
  EXPECT_EQ(taken.verdict, Verdict::run);
  EXPECT_EQ(taken.attempt, 2);
  // A done chunk is stale.
  EXPECT_TRUE(other->chunk_completed("j_1", 0, one_segment(0, 1, "a"), "en"));
  EXPECT_EQ(reporter_->chunk_started("j_1", 0, JobRequest{}).verdict, Verdict::stale);
}

TEST_F(worker_split_job_reporter, AfterACancelNoChunkStartsAndAFinishingOneSaysSo) {
  ASSERT_EQ(reporter_->chunk_started("j_1", 0, JobRequest{}).verdict, Verdict::run);
  std::atomic<bool> stopped{false};
  auto watch = reporter_->watch_cancel("j_1", [&] { stopped = true; });
  ASSERT_TRUE(store_->transition("j_1", {JobState::processing}, JobState::cancelled));
  events_.state("j_1", JobState::cancelled);
  EXPECT_TRUE(stopped);
  EXPECT_EQ(reporter_->chunk_started("j_1", 1, JobRequest{}).verdict, Verdict::stale);
  EXPECT_FALSE(reporter_->chunk_completed("j_1", 0, one_segment(0, 1, "late"), "en"));
  EXPECT_EQ(store_->get("j_1")->state, JobState::cancelled);
}

TEST_F(worker_split_job_reporter, SplittingAgainKeepsThePlanAndRequeuesChunksNoLiveWorkerHolds) {
  ASSERT_EQ(reporter_->chunk_started("j_1", 0, JobRequest{}).verdict, Verdict::run);
  ASSERT_EQ(reporter_->chunk_started("j_1", 1, JobRequest{}).verdict, Verdict::run);
  EXPECT_TRUE(reporter_->chunk_completed("j_1", 1, one_segment(0, 1, "b"), "en"));
  beat_as("w2", {chunk_run_key("j_1", 0)});
  auto other = make_store_job_reporter(*store_, events_, *bus_, "w3");
  auto again = other->split("j_1", {{0, 480000}});  // another plan: ignored
  ASSERT_EQ(again.size(), 3u);
  EXPECT_EQ(again[0].state, ChunkState::processing);  // w2 still runs it
  EXPECT_EQ(again[1].state, ChunkState::done);
  EXPECT_EQ(again[2].state, ChunkState::queued);
  store_->forget_worker("w2");
  EXPECT_EQ(other->split("j_1", {})[0].state, ChunkState::queued);
}

}  // namespace
}  // namespace soundscripter

namespace soundscripter {
namespace {

TEST_F(worker_split_job_reporter, AChunkTicketOfAPlanMadeBeforeARetryWithOtherOptionsIsStale) {
  // The job asked for detection: a chunk's detected language is its own.
  JobRequest detected;
  detected.language = "de";
  EXPECT_EQ(reporter_->chunk_started("j_1", 0, detected).verdict, Verdict::run);
  // A ticket made when the job had another model (retried since, with its
  // old tickets still on the queue) does not run on the new plan.
  JobRequest old_model;
  old_model.model = "small";
  EXPECT_EQ(reporter_->chunk_started("j_1", 1, old_model).verdict, Verdict::stale);
  EXPECT_EQ(store_->chunks("j_1", false)[1].state, ChunkState::queued);
  EXPECT_EQ(reporter_->chunk_started("j_1", 1, JobRequest{}).verdict, Verdict::run);
}

}  // namespace
}  // namespace soundscripter
