#include <gtest/gtest.h>

#include <fstream>
#include <thread>

#include "jobs/retention_sweeper.hpp"
#include "support/temp_dir.hpp"

namespace soundscripter {
namespace {

Job stored_job(const std::string& id, const std::filesystem::path& media) {
  Job job;
  job.id = id;
  job.name = id;
  job.media_path = media.string();
  job.created_at = unix_now() - 3600;
  std::ofstream(media) << "media of " << id;
  return job;
}

TEST(jobs_retention, RemovesFinishedJobsPastTheLimitWithTheirMediaAndKeepsTheRest) {
  test::TempDir dir;
  auto store = make_sqlite_job_store((dir.path() / "jobs.db").string());
  for (const char* id : {"old_done", "old_failed", "waiting", "running"}) {
    store->create(stored_job(id, dir.path() / id));
  }
  store->transition("old_done", {JobState::queued}, JobState::processing);
  store->transition("old_done", {JobState::processing}, JobState::completed);
  store->transition("old_failed", {JobState::queued}, JobState::processing);
  store->transition("old_failed", {JobState::processing}, JobState::failed, "engine_failed", "boom");
  store->transition("running", {JobState::queued}, JobState::processing);

  // Finished a moment ago: within a one-hour retention they stay.
  RetentionSweeper keep_an_hour(*store, std::chrono::hours(1));
  EXPECT_EQ(keep_an_hour.sweep(), 0u);
  EXPECT_TRUE(store->get("old_done"));

  // With no time at all to keep them, the finished ones go, media included;
  // queued and running jobs stay however old they are.
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  // (Its own thread sweeps at start too, so either may do the removing.)
  RetentionSweeper keep_a_second(*store, std::chrono::seconds(1));
  keep_a_second.sweep();
  EXPECT_FALSE(store->get("old_done"));
  EXPECT_FALSE(store->get("old_failed"));
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "old_done"));
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "old_failed"));
  EXPECT_TRUE(store->get("waiting"));
  EXPECT_TRUE(store->get("running"));
  EXPECT_TRUE(std::filesystem::exists(dir.path() / "running"));
}

}  // namespace
}  // namespace soundscripter
