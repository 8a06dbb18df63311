// What only the SQLite store has: a file (and how opening one fails), and
// files written by an older SoundScripter. Everything both stores promise
// is in job_store_contract_test.cpp; WAL mode is checked with the
// migrations (jobs_schema_migrations_test.cpp).
#include <limits>

#include <gtest/gtest.h>

#include "jobs/job_store.hpp"
#include "jobs/schema_migrations.hpp"
#include "jobs/sqlite_handles.hpp"
#include "support/temp_dir.hpp"
#include "util/error.hpp"

namespace soundscripter {
namespace {

class jobs_sqlite_store : public ::testing::Test {
 protected:
  std::string db_path() const { return (dir_ / "jobs.db").string(); }

  test::TempDir dir_{"soundscripter-jobs"};
};

TEST_F(jobs_sqlite_store, OpeningInAMissingDirectoryIsUnavailableAndNamesTheFile) {
  const std::string path = (dir_ / "no-such-dir" / "jobs.db").string();
  try {
    make_sqlite_job_store(path);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::backend_unavailable);
    EXPECT_EQ(std::string(e.what()), "job store " + path + ": open: unable to open database file");
  }
}

TEST_F(jobs_sqlite_store, AnEventForAMissingJobSaysWhatSqliteRefused) {
  try {
    make_sqlite_job_store(db_path())->append_event("j_gone", "progress", {{"progress", 0.5}});
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::not_found);
    EXPECT_EQ(std::string(e.what()), "job store " + db_path() +
                                         ": job j_gone: append progress event: step: FOREIGN KEY "
                                         "constraint failed");
  }
}

TEST_F(jobs_sqlite_store, AVersionOneFileKeepsItsJobsWhichCountAsPublished) {
  {
    // A file as SoundScripter left it before version 2, with one job.
    sqlite::Connection db = sqlite::open(db_path());
    apply_migrations(db.get(), job_store_migrations().first(1));
    sqlite::exec(db.get(),
                 "INSERT INTO jobs (id, state, created_at) VALUES ('j_old', 'queued', 10)");
  }
  auto store = make_sqlite_job_store(db_path());
  EXPECT_EQ(schema_version(sqlite::open(db_path()).get()), job_store_migrations().back().version);
  const std::optional<Job> old = store->get("j_old");
  ASSERT_TRUE(old);
  EXPECT_EQ(old->media_token, "");
  // It was queued already when it was made, so the outbox must not push it again.
  const double later = std::numeric_limits<double>::max();
  EXPECT_TRUE(store->unpublished(later, 10).empty());

  Job job;
  job.id = "j_new";
  job.created_at = 20;
  store->create(job);
  const std::vector<Job> unpublished = store->unpublished(later, 10);
  ASSERT_EQ(unpublished.size(), 1u);
  EXPECT_EQ(unpublished[0].id, "j_new");
  EXPECT_TRUE(store->live_workers(0).empty());  // the workers table is there
}

}  // namespace
}  // namespace soundscripter
