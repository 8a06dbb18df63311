// Schema migrations: applied in order once each, recorded in user_version,
// all-or-nothing per migration, and a newer file refused.
#include <gtest/gtest.h>

#include "jobs/job_store.hpp"
#include "jobs/schema_migrations.hpp"
#include "jobs/sqlite_handles.hpp"
#include "support/temp_dir.hpp"
#include "util/error.hpp"

namespace soundscripter {
namespace {

class jobs_schema_migrations : public ::testing::Test {
 protected:
  std::string db_path() const { return (dir_ / "jobs.db").string(); }
  sqlite::Connection connect() { return sqlite::open(db_path()); }

  bool has_table(sqlite3* db, const std::string& name) {
    sqlite::StatementCache prepare(db);
    auto select = prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?1");
    select.bind(1, name);
    return select.step();
  }

  test::TempDir dir_{"soundscripter-migrations"};
};

const Migration kFirstTwo[] = {
    {1, "create a", "CREATE TABLE a (x INTEGER)"},
    {2, "add b", "CREATE TABLE b (y INTEGER); INSERT INTO a VALUES (1)"},
};

TEST_F(jobs_schema_migrations, AFreshStoreFileGetsTheLatestVersion) {
  make_sqlite_job_store(db_path());
  auto db = connect();
  EXPECT_EQ(schema_version(db.get()), job_store_migrations().back().version);
  for (const char* table : {"jobs", "results", "events"}) EXPECT_TRUE(has_table(db.get(), table));
}

TEST_F(jobs_schema_migrations, ReopeningAnUpToDateStoreChangesNothing) {
  Job job;
  job.id = "j_1";
  make_sqlite_job_store(db_path())->create(job);
  auto store = make_sqlite_job_store(db_path());
  EXPECT_TRUE(store->get("j_1"));
  EXPECT_EQ(schema_version(connect().get()), job_store_migrations().back().version);
}

TEST_F(jobs_schema_migrations, AppliesOnlyTheMigrationsAFileHasNotSeen) {
  auto db = connect();
  apply_migrations(db.get(), std::span(kFirstTwo).first(1));
  EXPECT_EQ(schema_version(db.get()), 1);
  EXPECT_FALSE(has_table(db.get(), "b"));

  apply_migrations(db.get(), kFirstTwo);
  apply_migrations(db.get(), kFirstTwo);  // a second run would insert twice
  EXPECT_EQ(schema_version(db.get()), 2);
  sqlite::StatementCache prepare(db.get());
  auto count = prepare("SELECT COUNT(*) FROM a");
  ASSERT_TRUE(count.step());
  EXPECT_EQ(count.integer(0), 1);
}

TEST_F(jobs_schema_migrations, AFailingMigrationLeavesNoneOfItselfAndSaysWhichItWas) {
  const Migration with_bad_third[] = {
      kFirstTwo[0], kFirstTwo[1],
      {3, "add c then break", "CREATE TABLE c (z INTEGER); INSERT INTO nowhere VALUES (1)"},
  };
  auto db = connect();
  try {
    apply_migrations(db.get(), with_bad_third);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()),
              "migration 3 (add c then break): exec: no such table: nowhere");
  }
  EXPECT_EQ(schema_version(db.get()), 2);
  EXPECT_FALSE(has_table(db.get(), "c"));
}

TEST_F(jobs_schema_migrations, MigrationsMustBeNumberedWithoutGaps) {
  const Migration gap[] = {kFirstTwo[0], {3, "skips two", "SELECT 1"}};
  auto db = connect();
  try {
    apply_migrations(db.get(), gap);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::internal);
    EXPECT_EQ(std::string(e.what()),
              "migration 3 (skips two): migrations must be numbered 1, 2, 3, ...");
  }
}

TEST_F(jobs_schema_migrations, AStoreFromANewerVersionIsRefused) {
  make_sqlite_job_store(db_path());
  sqlite::exec(connect().get(), "PRAGMA user_version = 99");
  try {
    make_sqlite_job_store(db_path());
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::backend_unavailable);
    EXPECT_EQ(std::string(e.what()),
              "job store " + db_path() + ": schema version 99 is newer than this program's (" +
                  std::to_string(job_store_migrations().back().version) +
                  "); use a newer SoundScripter");
  }
}

TEST_F(jobs_schema_migrations, TheStoreFileIsInWalMode) {
  make_sqlite_job_store(db_path());
  auto db = connect();
  sqlite::StatementCache prepare(db.get());
  auto mode = prepare("PRAGMA journal_mode");  // WAL is a property of the file
  ASSERT_TRUE(mode.step());
  EXPECT_EQ(mode.text(0), "wal");
}

}  // namespace
}  // namespace soundscripter
