// StoreJobReporter: what a worker's reports do to the store and the bus —
// compare-and-set starts, redeliveries while the holder still beats, the
// result stored before `completed`, and cancels seen from anywhere.
#include <atomic>
#include <mutex>

#include <gtest/gtest.h>

#include "support/temp_dir.hpp"
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
