// Where the job store tests keep their data: a fresh SQLite file or a fresh
// PostgreSQL database per test, so the contract suite (one set of tests for
// every JobStore) can open stores without knowing which kind it has, and
// tests run in parallel against one PostgreSQL server.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "jobs/job_store.hpp"

namespace soundscripter::test {

// The psql of the PostgreSQL that scripts/servers/postgres runs.
inline constexpr const char* kPsql = "/usr/lib/postgresql/15/bin/psql";

// Runs `sql` with psql against `url` and returns what it prints (unaligned,
// no headers, trailing newline removed). Throws std::runtime_error with
// psql's own message when it fails.
std::string psql(const std::string& url, const std::string& sql);

// `url` with its database name replaced (query parameters kept).
std::string with_database(const std::string& url, const std::string& database);

// How the PostgreSQL store names `url` in errors: postgresql://host:port/db,
// worked out here independently of the store's own code.
std::string postgres_name_in_errors(const std::string& url);

// A database of its own on the tests' PostgreSQL server
// (test_server_url("postgres")), created empty and dropped afterwards,
// connections and all.
class PostgresTestDatabase {
 public:
  PostgresTestDatabase();
  ~PostgresTestDatabase();
  PostgresTestDatabase(const PostgresTestDatabase&) = delete;
  PostgresTestDatabase& operator=(const PostgresTestDatabase&) = delete;

  const std::string& url() const { return url_; }
  // psql(url(), sql)
  std::string query(const std::string& sql) const { return psql(url_, sql); }

 private:
  std::string server_url_;
  std::string name_;
  std::string url_;
};

// A fresh place for one test's store.
class JobStoreBackend {
 public:
  virtual ~JobStoreBackend() = default;
  // A new store object on the test's database, with connections of its
  // own, as another process would have.
  virtual std::unique_ptr<JobStore> open() = 0;
  // What the store's errors start with, after "job store ".
  virtual std::string name_in_errors() const = 0;
};

// kind: "sqlite" or "postgres".
std::unique_ptr<JobStoreBackend> make_job_store_backend(const std::string& kind);

// Runs body(0) .. body(threads - 1) on as many threads, released together
// so that they really race, and returns what each one threw, if anything
// ("" for none): an exception must fail the test, not end the process.
std::vector<std::string> run_concurrently(int threads, const std::function<void(int)>& body);

}  // namespace soundscripter::test
