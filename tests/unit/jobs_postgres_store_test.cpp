// What only the PostgreSQL store has: many processes migrating one database
// at once, a bounded connection pool, a server that goes away and comes
// back, and a URL whose password must never reach a message. Everything
// both stores promise is in job_store_contract_test.cpp.
#include <stdlib.h>

#include <filesystem>
#include <limits>

#include <gtest/gtest.h>

#include "job_store_test_backends.hpp"
#include "jobs/job_store.hpp"
#include "jobs/postgres_schema.hpp"
#include "jobs/postgres_url.hpp"
#include "support/process.hpp"
#include "util/error.hpp"

namespace soundscripter {
namespace {

using test::PostgresTestDatabase;

Job make_job(const std::string& id, double created_at) {
  Job job;
  job.id = id;
  job.created_at = created_at;
  return job;
}

// url with a password added to its user ("postgres@" -> "postgres:PASSWORD@").
// The test servers trust loopback connections, so it is sent and ignored.
std::string with_password(const std::string& url, const std::string& password) {
  const std::size_t at = url.find('@');
  if (at == std::string::npos) throw std::runtime_error("no user in " + url);
  return url.substr(0, at) + ":" + password + url.substr(at);
}

// A PostgreSQL server of the test's own, in a fresh directory, for tests
// that stop it: the shared test server stays up for the tests that run
// beside this one. The directory's path is short so that the Unix socket
// fits in it.
class OwnPostgresServer {
 public:
  OwnPostgresServer() {
    char pattern[] = "/tmp/ss-pg-XXXXXX";
    if (!mkdtemp(pattern)) throw std::runtime_error("mkdtemp failed");
    dir_ = pattern;
    url_ = run("start");
  }
  ~OwnPostgresServer() {
    run("stop");
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }
  OwnPostgresServer(const OwnPostgresServer&) = delete;
  OwnPostgresServer& operator=(const OwnPostgresServer&) = delete;

  const std::string& url() const { return url_; }
  void stop() { run("stop"); }
  void start() { EXPECT_EQ(run("start"), url_) << "a restarted server keeps its URL"; }
  void restart() { EXPECT_EQ(run("restart"), url_); }

 private:
  // The script's last line of output (the URL, for start and restart).
  std::string run(const std::string& verb) {
    const std::string script = std::string(TESTS_SOURCE_DIR) + "/../scripts/servers/postgres";
    const test::ProcessResult result = test::run_process({script, verb, dir_}, 120);
    if (result.exit_code != 0) {
      throw std::runtime_error("scripts/servers/postgres " + verb + " failed: " + result.err);
    }
    std::string out = result.out;
    while (!out.empty() && out.back() == '\n') out.pop_back();
    return out.substr(out.rfind('\n') + 1);
  }

  std::string dir_;
  std::string url_;
};

TEST(jobs_postgres_store, ManyProcessesOpeningANewDatabaseAtOnceMigrateItOnce) {
  PostgresTestDatabase database;
  constexpr int kProcesses = 8;
  std::vector<std::unique_ptr<JobStore>> stores(kProcesses);
  const auto failures = test::run_concurrently(
      kProcesses, [&](int p) { stores[p] = make_postgres_job_store(database.url()); });
  EXPECT_EQ(failures, std::vector<std::string>(kProcesses));

  // Each migration ran once, and all the stores share its tables.
  EXPECT_EQ(database.query("SELECT string_agg(version::text, ',' ORDER BY version) "
                           "FROM schema_migrations"),
            [] {
              std::string all;
              for (const Migration& migration : postgres::job_store_migrations()) {
                if (!all.empty()) all += ',';
                all += std::to_string(migration.version);
              }
              return all;
            }());
  ASSERT_TRUE(stores[0] && stores[kProcesses - 1]);
  stores[0]->create(make_job("j_1", 1));
  EXPECT_TRUE(stores[kProcesses - 1]->get("j_1"));
}

TEST(jobs_postgres_store, ADatabaseFromANewerVersionIsRefused) {
  PostgresTestDatabase database;
  make_postgres_job_store(database.url());
  database.query("INSERT INTO schema_migrations (version, description) VALUES (99, 'future')");
  try {
    make_postgres_job_store(database.url());
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::backend_unavailable);
    EXPECT_EQ(std::string(e.what()),
              "job store " + test::postgres_name_in_errors(database.url()) +
                  ": schema version 99 is newer than this program's (" +
                  std::to_string(postgres::job_store_migrations().back().version) +
                  "); use a newer SoundScripter");
  }
}

TEST(jobs_postgres_store, AFailingMigrationLeavesNoneOfItselfAndSaysWhichItWas) {
  PostgresTestDatabase database;
  const Migration migrations[] = {
      {1, "create a", "CREATE TABLE a (x INTEGER)"},
      {2, "add b", "CREATE TABLE b (y INTEGER); INSERT INTO a VALUES (1)"},
      {3, "add c then break", "CREATE TABLE c (z INTEGER); INSERT INTO nowhere VALUES (1)"},
  };
  postgres::apply_migrations(database.url(), std::span(migrations).first(2));
  postgres::apply_migrations(database.url(), std::span(migrations).first(2));  // no second insert
  EXPECT_EQ(database.query("SELECT count(*) FROM a"), "1");
  try {
    postgres::apply_migrations(database.url(), migrations);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::internal);
    EXPECT_EQ(std::string(e.what()),
              "migration 3 (add c then break): relation \"nowhere\" does not exist");
  }
  EXPECT_EQ(database.query("SELECT max(version) FROM schema_migrations"), "2");
  EXPECT_EQ(database.query("SELECT to_regclass('c') IS NULL"), "t");
}

TEST(jobs_postgres_store, AVersionOneDatabaseKeepsItsJobsWhichCountAsPublished) {
  PostgresTestDatabase database;
  postgres::apply_migrations(database.url(), postgres::job_store_migrations().first(1));
  database.query("INSERT INTO jobs (id, state, created_at) VALUES ('j_old', 'queued', 10)");

  auto store = make_postgres_job_store(database.url());
  EXPECT_EQ(database.query("SELECT max(version) FROM schema_migrations"),
            std::to_string(postgres::job_store_migrations().back().version));
  const std::optional<Job> old = store->get("j_old");
  ASSERT_TRUE(old);
  EXPECT_EQ(old->media_token, "");
  // It was queued already when it was made, so the outbox must not push it again.
  const double later = std::numeric_limits<double>::max();
  EXPECT_TRUE(store->unpublished(later, 10).empty());
  store->create(make_job("j_new", 20));
  const std::vector<Job> unpublished = store->unpublished(later, 10);
  ASSERT_EQ(unpublished.size(), 1u);
  EXPECT_EQ(unpublished[0].id, "j_new");
  // Its events continue from the (empty) history it had.
  EXPECT_EQ(store->append_event("j_old", "state", {{"state", "queued"}}).seq, 1);
}

TEST(jobs_postgres_store, ManyThreadsShareNoMoreConnectionsThanThePoolHas) {
  PostgresTestDatabase database;
  auto store = make_postgres_job_store(database.url(), 2);
  store->create(make_job("j_1", 1));
  constexpr int kThreads = 8;
  constexpr int kEach = 25;
  const auto failures = test::run_concurrently(kThreads, [&](int) {
    for (int i = 0; i < kEach; ++i) {
      store->append_event("j_1", "progress", {{"i", i}});
      store->get("j_1");
    }
  });
  EXPECT_EQ(failures, std::vector<std::string>(kThreads));
  EXPECT_EQ(store->events_after("j_1", 0).size(), std::size_t{kThreads * kEach});
  // The pool keeps its connections open; more than two would mean it let
  // more than two threads in at once.
  const int connections = std::stoi(database.query(
      "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
      "AND pid <> pg_backend_pid()"));
  EXPECT_GE(connections, 1);
  EXPECT_LE(connections, 2);
}

TEST(jobs_postgres_store, OpeningWithoutAServerIsUnavailableAndNamesTheDatabaseNotThePassword) {
  // Port 1 on loopback: nothing listens there, so the connection is refused at once.
  try {
    make_postgres_job_store("postgresql://soundscripter:hunter2@127.0.0.1:1/jobs");
    FAIL() << "expected an error";
  } catch (const Error& e) {
    const std::string message = e.what();
    EXPECT_EQ(e.code(), ErrorCode::backend_unavailable);
    EXPECT_TRUE(message.starts_with("job store postgresql://127.0.0.1:1/jobs: connect: "))
        << message;
    EXPECT_NE(message.find("Connection refused"), std::string::npos) << message;
    EXPECT_EQ(message.find("hunter2"), std::string::npos) << message;
    EXPECT_EQ(message.find("soundscripter@"), std::string::npos) << message;
  }
}

TEST(jobs_postgres_store, AnUnparsableUrlIsAnInvalidArgumentThatDoesNotRepeatIt) {
  try {
    make_postgres_job_store("postgresql://user:hunter2@host:port-is-not-a-number/db?what%zz");
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::invalid_argument);
    EXPECT_EQ(std::string(e.what()).find("hunter2"), std::string::npos) << e.what();
  }
}

TEST(jobs_postgres_store, ErrorsNameTheDatabaseByHostPortAndNameOnly) {
  EXPECT_EQ(
      postgres::url_for_messages("postgresql://u:secret@db.example:6543/jobs?sslmode=require"),
      "postgresql://db.example:6543/jobs");
  EXPECT_EQ(postgres::url_for_messages("postgres://u@db.example/jobs"),
            "postgresql://db.example:5432/jobs");
  EXPECT_EQ(postgres::url_for_messages("postgresql:///jobs?host=/run/postgresql&port=5433"),
            "postgresql:///run/postgresql:5433/jobs");
  EXPECT_EQ(postgres::url_for_messages("host=10.0.0.5 port=5999 dbname=ss password=secret"),
            "postgresql://10.0.0.5:5999/ss");
  EXPECT_EQ(postgres::url_for_messages("postgresql://ss@10.0.0.5"),
            "postgresql://10.0.0.5:5432/ss");  // the database defaults to the user
}

TEST(jobs_postgres_store, TheStoreIsUnavailableWhileTheServerIsDownAndRecoversByItself) {
  OwnPostgresServer server;
  const std::string url = with_password(server.url(), "hunter2");
  const std::string prefix = "job store " + test::postgres_name_in_errors(server.url()) + ": ";
  auto store = make_postgres_job_store(url, 4);
  store->create(make_job("j_1", 1));
  EXPECT_EQ(store->append_event("j_1", "state", {{"state", "queued"}}).seq, 1);
  EXPECT_TRUE(store->healthy());

  server.stop();
  EXPECT_FALSE(store->healthy());
  auto expect_unavailable = [&](const std::string& what, auto&& call) {
    try {
      call();
      ADD_FAILURE() << what << ": expected an error";
    } catch (const Error& e) {
      const std::string message = e.what();
      EXPECT_EQ(e.code(), ErrorCode::backend_unavailable) << message;
      EXPECT_TRUE(message.starts_with(prefix + what + ": ")) << message;
      EXPECT_EQ(message.find("hunter2"), std::string::npos) << message;
    }
  };
  expect_unavailable("job j_1: get", [&] { store->get("j_1"); });
  expect_unavailable("job j_1: append progress event",
                     [&] { store->append_event("j_1", "progress", {{"progress", 0.5}}); });
  expect_unavailable("job j_1: transition to processing", [&] {
    store->transition("j_1", {JobState::queued}, JobState::processing);
  });
  EXPECT_FALSE(store->healthy());

  // Back on the same port and data: the same store object works again.
  server.start();
  EXPECT_TRUE(store->healthy());
  ASSERT_TRUE(store->get("j_1"));
  EXPECT_EQ(store->append_event("j_1", "progress", {{"progress", 0.5}}).seq, 2);
  EXPECT_TRUE(store->transition("j_1", {JobState::queued}, JobState::processing));

  // A restart while the store sits idle leaves it holding connections the
  // server has cut; the first calls after it must not fail on them.
  const auto warm_up = test::run_concurrently(4, [&](int) {
    for (int i = 0; i < 10; ++i) store->get("j_1");
  });
  EXPECT_EQ(warm_up, std::vector<std::string>(4));
  server.restart();
  EXPECT_EQ(store->get("j_1")->state, JobState::processing);
  EXPECT_EQ(store->append_event("j_1", "progress", {{"progress", 0.7}}).seq, 3);
  EXPECT_TRUE(store->healthy());
  EXPECT_EQ(store->events_after("j_1", 0).size(), 3u);
}

}  // namespace
}  // namespace soundscripter
