// The job store tests' backends (see job_store_test_backends.hpp). The
// PostgreSQL side goes through psql rather than through the store's own
// code, so a bug in the store cannot hide itself from the tests.
#include "job_store_test_backends.hpp"

#include <latch>
#include <stdexcept>
#include <thread>

#include "support/process.hpp"
#include "support/temp_dir.hpp"
#include "support/test_servers.hpp"

namespace soundscripter::test {
namespace {

// postgresql://user@host:port/db?params -> {"postgresql://user@host:port", "db", "?params"}.
struct UrlParts {
  std::string before_path;
  std::string database;
  std::string query;
};

UrlParts split_url(const std::string& url) {
  const std::size_t authority = url.find("://");
  if (authority == std::string::npos) throw std::runtime_error("not a URL: " + url);
  const std::size_t path = url.find('/', authority + 3);
  if (path == std::string::npos) return {url, "", ""};
  const std::size_t query = url.find('?', path);
  const std::size_t end = query == std::string::npos ? url.size() : query;
  return {url.substr(0, path), url.substr(path + 1, end - path - 1),
          query == std::string::npos ? "" : url.substr(query)};
}

class SqliteBackend final : public JobStoreBackend {
 public:
  std::unique_ptr<JobStore> open() override { return make_sqlite_job_store(path()); }
  std::string name_in_errors() const override { return path(); }

 private:
  std::string path() const { return (dir_ / "jobs.db").string(); }
  TempDir dir_{"soundscripter-jobs"};
};

class PostgresBackend final : public JobStoreBackend {
 public:
  std::unique_ptr<JobStore> open() override { return make_postgres_job_store(database_.url()); }
  std::string name_in_errors() const override { return postgres_name_in_errors(database_.url()); }

 private:
  PostgresTestDatabase database_;
};

}  // namespace

std::string psql(const std::string& url, const std::string& sql) {
  const ProcessResult result = run_process(
      {kPsql, "--no-psqlrc", "--quiet", "--no-align", "--tuples-only", "--set=ON_ERROR_STOP=1",
       "--dbname=" + url, "--command=" + sql},
      60);
  if (result.exit_code != 0) {
    throw std::runtime_error("psql failed on `" + sql + "`: " + result.err);
  }
  std::string out = result.out;
  while (!out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

std::string with_database(const std::string& url, const std::string& database) {
  const UrlParts parts = split_url(url);
  return parts.before_path + "/" + database + parts.query;
}

std::string postgres_name_in_errors(const std::string& url) {
  const UrlParts parts = split_url(url);
  std::string host_port = parts.before_path.substr(parts.before_path.find("://") + 3);
  if (const std::size_t at = host_port.rfind('@'); at != std::string::npos) {
    host_port.erase(0, at + 1);
  }
  return "postgresql://" + host_port + "/" + parts.database;
}

PostgresTestDatabase::PostgresTestDatabase()
    : server_url_(test_server_url("postgres")),
      name_(unique_test_name()),
      url_(with_database(server_url_, name_)) {
  psql(server_url_, "CREATE DATABASE " + name_);
}

PostgresTestDatabase::~PostgresTestDatabase() {
  try {
    // FORCE: a store a test leaked (or one still closing) must not keep
    // the database alive.
    psql(server_url_, "DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
  } catch (const std::exception& error) {
    ADD_FAILURE() << "could not drop the test database: " << error.what();
  }
}

std::unique_ptr<JobStoreBackend> make_job_store_backend(const std::string& kind) {
  if (kind == "sqlite") return std::make_unique<SqliteBackend>();
  if (kind == "postgres") return std::make_unique<PostgresBackend>();
  throw std::invalid_argument("no job store backend named " + kind);
}

std::vector<std::string> run_concurrently(int threads, const std::function<void(int)>& body) {
  std::vector<std::string> failures(static_cast<std::size_t>(threads));
  std::latch start(threads);
  std::vector<std::thread> running;
  for (int t = 0; t < threads; ++t) {
    running.emplace_back([&, t] {
      start.arrive_and_wait();
      try {
        body(t);
      } catch (const std::exception& e) {
        failures[static_cast<std::size_t>(t)] = e.what();
      }
    });
  }
  for (auto& thread : running) thread.join();
  return failures;
}

}  // namespace soundscripter::test
