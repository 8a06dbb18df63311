// The PostgreSQL job store's migrations and the loop that applies them
// (see postgres_schema.hpp for the rules).
#include "jobs/postgres_schema.hpp"

#include <array>

#include <pqxx/pqxx>

#include "jobs/postgres_errors.hpp"
#include "jobs/postgres_params.hpp"
#include "util/error.hpp"

namespace soundscripter::postgres {
namespace {

// Version 1: jobs, their results and their event history, as in SQLite
// (schema_migrations.cpp) with PostgreSQL's types (DOUBLE PRECISION: REAL
// is 4 bytes here) and two columns SQLite does without:
// - ordinal, the insertion order, breaks ties between jobs created in the
//   same instant (SQLite's rowid does that there);
// - last_seq, the job's last event seq. append_event raises it with an
//   UPDATE, which takes the job's row lock, so processes appending to one
//   job at once queue up and each gets the next number: no gaps, no
//   duplicates, where MAX(seq) + 1 would hand two of them the same seq.
constexpr const char* kCreateJobsEventsResults = R"sql(
CREATE TABLE jobs (
  id             TEXT PRIMARY KEY,
  ordinal        BIGINT GENERATED ALWAYS AS IDENTITY,
  owner          TEXT NOT NULL DEFAULT '',
  name           TEXT NOT NULL DEFAULT '',
  state          TEXT NOT NULL
                 CHECK (state IN ('queued', 'processing', 'completed', 'failed', 'cancelled')),
  request        TEXT NOT NULL DEFAULT '{}',
  media_path     TEXT NOT NULL DEFAULT '',
  media_filename TEXT NOT NULL DEFAULT '',
  media_sha256   TEXT NOT NULL DEFAULT '',
  media_bytes    BIGINT NOT NULL DEFAULT 0,
  media_duration DOUBLE PRECISION NOT NULL DEFAULT 0,
  progress       DOUBLE PRECISION NOT NULL DEFAULT 0,
  attempts       INTEGER NOT NULL DEFAULT 0,
  error_code     TEXT NOT NULL DEFAULT '',
  error_message  TEXT NOT NULL DEFAULT '',
  created_at     DOUBLE PRECISION NOT NULL,
  started_at     DOUBLE PRECISION,
  finished_at    DOUBLE PRECISION,
  last_seq       BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX jobs_by_created ON jobs (created_at, ordinal);
CREATE INDEX jobs_by_owner ON jobs (owner, created_at, ordinal);
CREATE INDEX jobs_by_state ON jobs (state, created_at, ordinal);

CREATE TABLE results (
  job        TEXT PRIMARY KEY REFERENCES jobs (id) ON DELETE CASCADE,
  transcript TEXT NOT NULL,
  created_at DOUBLE PRECISION NOT NULL
);

CREATE TABLE events (
  job  TEXT NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
  seq  BIGINT NOT NULL,
  type TEXT NOT NULL,
  data TEXT NOT NULL,
  PRIMARY KEY (job, seq)
);
)sql";

// Version 2: what more than one process needs, as in SQLite: media_token,
// the outbox flag (true for rows from before, false for new ones) and the
// workers' heartbeats. Worker ids sort bytewise (COLLATE "C"), as SQLite
// sorts them, whatever the database's locale.
constexpr const char* kOutboxTokensWorkers = R"sql(
ALTER TABLE jobs ADD COLUMN media_token TEXT NOT NULL DEFAULT '';
ALTER TABLE jobs ADD COLUMN published BOOLEAN NOT NULL DEFAULT true;
CREATE INDEX jobs_unpublished ON jobs (created_at, ordinal) WHERE NOT published;

CREATE TABLE workers (
  id         TEXT COLLATE "C" PRIMARY KEY,
  host       TEXT NOT NULL,
  slots      INTEGER NOT NULL,
  busy       INTEGER NOT NULL,
  jobs       TEXT NOT NULL,
  engines    TEXT NOT NULL,
  started_at DOUBLE PRECISION NOT NULL,
  last_beat  DOUBLE PRECISION NOT NULL
);
)sql";

// Version 3: the chunks of a job split across workers, as in SQLite.
constexpr const char* kChunks = R"sql(
CREATE TABLE chunks (
  job          TEXT NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
  idx          INTEGER NOT NULL,
  start_sample BIGINT NOT NULL,
  sample_count BIGINT NOT NULL,
  state        TEXT NOT NULL CHECK (state IN ('queued', 'processing', 'done')),
  attempts     INTEGER NOT NULL DEFAULT 0,
  progress     DOUBLE PRECISION NOT NULL DEFAULT 0,
  segments     INTEGER NOT NULL DEFAULT 0,
  transcript   TEXT,
  PRIMARY KEY (job, idx)
);
)sql";

// Version 4: each event's position among every job's events. It comes from
// one counter row, raised in the event's transaction: the row lock makes
// positions rise in commit order (a sequence would hand them out in start
// order, and a reader could pass a position whose event commits later).
constexpr const char* kEventPositions = R"sql(
ALTER TABLE events ADD COLUMN position BIGINT;
CREATE INDEX events_by_position ON events (position) WHERE position IS NOT NULL;
CREATE TABLE event_position (last BIGINT NOT NULL);
INSERT INTO event_position VALUES (0);
)sql";

// Version 5: the segments a running chunk sent live, as in SQLite.
constexpr const char* kLiveChunkSegments = R"sql(
ALTER TABLE chunks ADD COLUMN live_segments INTEGER NOT NULL DEFAULT 0;
)sql";

constexpr std::array kJobStoreMigrations = {
    Migration{1, "create jobs, results and events", kCreateJobsEventsResults},
    Migration{2, "media tokens, outbox flag, worker heartbeats", kOutboxTokensWorkers},
    Migration{3, "chunks of split jobs", kChunks},
    Migration{4, "event positions across jobs", kEventPositions},
    Migration{5, "live segments of running chunks", kLiveChunkSegments},
};

// Any fixed number works: advisory locks are per database, and only
// SoundScripter's migrations take this one ("SSJOBMIG" in ASCII).
constexpr std::int64_t kMigrationLock = 0x53534A4F424D4947;

// In the transaction: waits for the migration lock, makes sure the
// version table exists (under the lock, since two CREATE TABLE IF NOT
// EXISTS at once can still collide), and returns the version reached.
int lock_and_read_version(pqxx::work& transaction) {
  transaction.exec("SET LOCAL client_min_messages = warning");  // no "already exists" notice
  Params lock;
  lock.exec(transaction, "SELECT pg_advisory_xact_lock(" + lock.integer(kMigrationLock) + ")");
  transaction.exec(
      "CREATE TABLE IF NOT EXISTS schema_migrations ("
      "version INTEGER PRIMARY KEY, description TEXT NOT NULL, "
      "applied_at TIMESTAMPTZ NOT NULL DEFAULT now())");
  const pqxx::result version =
      transaction.exec("SELECT COALESCE(MAX(version), 0) FROM schema_migrations");
  return static_cast<int>(integer_field(version[0][0]));
}

}  // namespace

std::span<const Migration> job_store_migrations() { return kJobStoreMigrations; }

void apply_migrations(const std::string& url, std::span<const Migration> migrations) {
  std::unique_ptr<pqxx::connection> connection;
  try {
    connection = std::make_unique<pqxx::connection>(url);
  } catch (const std::exception& failure) {
    throw Error(ErrorCode::backend_unavailable, to_error(failure).what()).with_context("connect");
  }
  const int latest = migrations.empty() ? 0 : migrations.back().version;
  int expected_version = 1;
  for (const Migration& migration : migrations) {
    const std::string label = "migration " + std::to_string(migration.version) + " (" +
                              migration.description + ")";
    if (migration.version != expected_version++) {
      throw Error(ErrorCode::internal, label + ": migrations must be numbered 1, 2, 3, ...");
    }
    try {
      pqxx::work transaction(*connection);
      const int found = lock_and_read_version(transaction);
      if (found > latest) {
        throw Error(ErrorCode::backend_unavailable,
                    "schema version " + std::to_string(found) + " is newer than this program's (" +
                        std::to_string(latest) + "); use a newer SoundScripter");
      }
      if (found >= migration.version) continue;  // done, maybe by another process just now
      transaction.exec(migration.sql);
      Params record;
      record.exec(transaction, "INSERT INTO schema_migrations (version, description) VALUES (" +
                                   record.integer(migration.version) + ", " +
                                   record.text(migration.description) + ")");
      transaction.commit();
    } catch (const Error& error) {
      if (error.code() == ErrorCode::backend_unavailable) throw;  // not this migration's fault
      throw error.with_context(label);
    } catch (const std::exception& failure) {
      throw to_error(failure).with_context(label);
    }
  }
}

}  // namespace soundscripter::postgres
