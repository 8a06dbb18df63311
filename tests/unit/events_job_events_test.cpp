// JobEvents: every event stored with the next seq and then published, in
// seq order, and progress throttled to what a watcher needs.
#include <mutex>
#include <thread>

#include <gtest/gtest.h>

#include "events/job_events.hpp"
#include "support/temp_dir.hpp"

namespace soundscripter {
namespace {

using namespace std::chrono_literals;
using Clock = JobEvents::Clock;

class events_job_events : public ::testing::Test {
 protected:
  void SetUp() override {
    Job job;
    job.id = "j_1";
    store_->create(job);
    subscription_ = bus_->subscribe("", [this](const JobEvent& event) {
      std::lock_guard lock(mutex_);
      received_.push_back(event);
    });
  }

  std::vector<JobEvent> received() {
    std::lock_guard lock(mutex_);
    return received_;
  }

  test::TempDir dir_{"soundscripter-job-events"};
  std::unique_ptr<JobStore> store_ = make_sqlite_job_store((dir_ / "jobs.db").string());
  std::unique_ptr<EventBus> bus_ = make_in_process_event_bus();
  std::unique_ptr<Subscription> subscription_;
  std::mutex mutex_;
  std::vector<JobEvent> received_;
  Clock::time_point now_ = Clock::now();
  JobEvents events_{*store_, *bus_, [this] { return now_; }};
};

TEST_F(events_job_events, EachEventIsStoredWithTheNextSeqThenPublished) {
  events_.state("j_1", JobState::queued);
  events_.state("j_1", JobState::processing, {{"attempt", 1}, {"state", "ignored"}});
  Segment segment{0.5, 1.25, "Grüße", {{0.5, 1.0, "Grüße", 0.75f}}};
  events_.segment("j_1", segment);
  events_.error("j_1", Error(ErrorCode::engine_failed, "model file is truncated"));

  const std::vector<JobEvent> published = received();
  const std::vector<JobEvent> stored = store_->events_after("j_1", 0);
  ASSERT_EQ(published.size(), 4u);
  ASSERT_EQ(stored.size(), 4u);
  for (std::size_t i = 0; i < published.size(); ++i) {
    EXPECT_EQ(published[i].seq, std::int64_t(i + 1));
    EXPECT_EQ(published[i].to_json(), stored[i].to_json());
  }
  EXPECT_EQ(published[0].to_json(),
            (nlohmann::json{{"job", "j_1"}, {"seq", 1}, {"type", "state"}, {"state", "queued"}}));
  EXPECT_EQ(published[1].data, (nlohmann::json{{"attempt", 1}, {"state", "processing"}}));
  EXPECT_EQ(published[2].data,
            (nlohmann::json{{"segment",
                             {{"start", 0.5},
                              {"end", 1.25},
                              {"text", "Grüße"},
                              {"words", {{{"word", "Grüße"}, {"start", 0.5}, {"end", 1.0},
                                          {"probability", 0.75}}}}}}}));
  EXPECT_EQ(published[3].data,
            (nlohmann::json{{"error",
                             {{"code", "engine_failed"}, {"message", "model file is truncated"}}}}));
}

TEST_F(events_job_events, ProgressIsThrottledToOnePercentOrOneSecond) {
  events_.state("j_1", JobState::processing);
  auto published = [&](double fraction) { return events_.progress("j_1", fraction).has_value(); };
  EXPECT_TRUE(published(0.001));   // the first of this run
  EXPECT_FALSE(published(0.005));
  EXPECT_TRUE(published(0.011));   // up 1 %
  EXPECT_FALSE(published(0.015));
  EXPECT_FALSE(published(0.020));
  now_ += 1s;
  EXPECT_TRUE(published(0.016));   // a second later, any rise
  now_ += 2s;
  EXPECT_FALSE(published(0.016));  // no rise, nothing to say
  EXPECT_FALSE(published(0.010));  // falling back is dropped
  EXPECT_TRUE(published(0.5));
  EXPECT_FALSE(published(0.501));
  EXPECT_TRUE(published(1.0));     // the end always shows
  EXPECT_FALSE(published(1.0));    // once
  EXPECT_DOUBLE_EQ(store_->get("j_1")->progress, 1.0);

  const std::vector<JobEvent> progress = store_->events_after("j_1", 1);
  ASSERT_EQ(progress.size(), 5u);
  EXPECT_EQ(progress[1].data, (nlohmann::json{{"progress", 0.011}, {"percent", 1.1}}));
  EXPECT_EQ(progress[4].data, (nlohmann::json{{"progress", 1.0}, {"percent", 100.0}}));
}

TEST_F(events_job_events, ANewStateRestartsTheProgressThrottle) {
  events_.state("j_1", JobState::processing);
  EXPECT_TRUE(events_.progress("j_1", 1.0));
  events_.state("j_1", JobState::queued);  // a retry
  events_.state("j_1", JobState::processing);
  EXPECT_TRUE(events_.progress("j_1", 0.002));
  EXPECT_DOUBLE_EQ(store_->get("j_1")->progress, 0.002);
}

TEST_F(events_job_events, EventsFromManyThreadsArePublishedInSeqOrder) {
  constexpr int kThreads = 4;
  constexpr int kEach = 25;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kEach; ++i) events_.segment("j_1", Segment{double(i), i + 1.0, "x", {}});
    });
  }
  for (auto& thread : threads) thread.join();
  const std::vector<JobEvent> published = received();
  ASSERT_EQ(published.size(), std::size_t{kThreads * kEach});
  for (std::size_t i = 0; i < published.size(); ++i) {
    EXPECT_EQ(published[i].seq, std::int64_t(i + 1));
  }
}

TEST_F(events_job_events, AnEventForAMissingJobIsNotPublished) {
  EXPECT_THROW(events_.state("j_missing", JobState::queued), Error);
  EXPECT_TRUE(received().empty());
}

}  // namespace
}  // namespace soundscripter
