// The job store's numbered migrations and the loop that applies them
// (see schema_migrations.hpp for the rules).
#include "jobs/schema_migrations.hpp"

#include <array>

#include "jobs/sqlite_handles.hpp"
#include "util/error.hpp"

namespace soundscripter {
namespace {

// Version 1: jobs, their results and their event history. A job's request
// is JSON so that new request fields need no migration. Results and events
// go with their job (ON DELETE CASCADE), so removing a job is one DELETE.
// Listing is newest first, by owner or state: the indexes serve exactly
// those orders (rowid breaks ties between jobs created in the same instant).
constexpr const char* kCreateJobsEventsResults = R"sql(
CREATE TABLE jobs (
  id             TEXT PRIMARY KEY,
  owner          TEXT NOT NULL DEFAULT '',
  name           TEXT NOT NULL DEFAULT '',
  state          TEXT NOT NULL
                 CHECK (state IN ('queued', 'processing', 'completed', 'failed', 'cancelled')),
  request        TEXT NOT NULL DEFAULT '{}',
  media_path     TEXT NOT NULL DEFAULT '',
  media_filename TEXT NOT NULL DEFAULT '',
  media_sha256   TEXT NOT NULL DEFAULT '',
  media_bytes    INTEGER NOT NULL DEFAULT 0,
  media_duration REAL NOT NULL DEFAULT 0,
  progress       REAL NOT NULL DEFAULT 0,
  attempts       INTEGER NOT NULL DEFAULT 0,
  error_code     TEXT NOT NULL DEFAULT '',
  error_message  TEXT NOT NULL DEFAULT '',
  created_at     REAL NOT NULL,
  started_at     REAL,
  finished_at    REAL
);
CREATE INDEX jobs_by_created ON jobs (created_at);
CREATE INDEX jobs_by_owner ON jobs (owner, created_at);
CREATE INDEX jobs_by_state ON jobs (state, created_at);

CREATE TABLE results (
  job        TEXT PRIMARY KEY REFERENCES jobs (id) ON DELETE CASCADE,
  transcript TEXT NOT NULL,
  created_at REAL NOT NULL
);

CREATE TABLE events (
  job  TEXT NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
  seq  INTEGER NOT NULL,
  type TEXT NOT NULL,
  data TEXT NOT NULL,
  PRIMARY KEY (job, seq)
) WITHOUT ROWID;
)sql";

// Version 2: what more than one process needs. media_token opens one job's
// media to a worker on another machine; published is the outbox flag (jobs
// from before were all queued already, hence the default 1; new rows are
// inserted with 0); workers holds each worker's last heartbeat.
constexpr const char* kOutboxTokensWorkers = R"sql(
ALTER TABLE jobs ADD COLUMN media_token TEXT NOT NULL DEFAULT '';
ALTER TABLE jobs ADD COLUMN published INTEGER NOT NULL DEFAULT 1;
CREATE INDEX jobs_unpublished ON jobs (created_at) WHERE published = 0;

CREATE TABLE workers (
  id         TEXT PRIMARY KEY,
  host       TEXT NOT NULL,
  slots      INTEGER NOT NULL,
  busy       INTEGER NOT NULL,
  jobs       TEXT NOT NULL,
  engines    TEXT NOT NULL,
  started_at REAL NOT NULL,
  last_beat  REAL NOT NULL
);
)sql";

// Version 3: the chunks of a job split across workers (job_chunk.hpp): the
// plan (where each chunk lies in the audio), each chunk's state, attempts
// and progress, its transcript once done, and how far its segments went
// out as the job's events (0 unsent, 1 sending, 2 sent).
constexpr const char* kChunks = R"sql(
CREATE TABLE chunks (
  job          TEXT NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
  idx          INTEGER NOT NULL,
  start_sample INTEGER NOT NULL,
  sample_count INTEGER NOT NULL,
  state        TEXT NOT NULL CHECK (state IN ('queued', 'processing', 'done')),
  attempts     INTEGER NOT NULL DEFAULT 0,
  progress     REAL NOT NULL DEFAULT 0,
  segments     INTEGER NOT NULL DEFAULT 0,
  transcript   TEXT,
  PRIMARY KEY (job, idx)
) WITHOUT ROWID;
)sql";

// Version 4: each event's position among every job's events, in the order
// they were written (one writer at a time in SQLite), so GET /v1/events can
// resume after a position. Events from before have none.
constexpr const char* kEventPositions = R"sql(
ALTER TABLE events ADD COLUMN position INTEGER;
CREATE INDEX events_by_position ON events (position) WHERE position IS NOT NULL;
)sql";

// Version 5: how many of a running chunk's segments went out as the job's
// events while it ran (live), so that neither its completion nor a run
// that redoes it sends them again.
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

}  // namespace

std::span<const Migration> job_store_migrations() { return kJobStoreMigrations; }

int schema_version(sqlite3* db) {
  sqlite::StatementCache prepare(db);
  auto statement = prepare("PRAGMA user_version");
  return statement.step() ? static_cast<int>(statement.integer(0)) : 0;
}

void apply_migrations(sqlite3* db, std::span<const Migration> migrations) {
  const int latest = migrations.empty() ? 0 : migrations.back().version;
  if (const int found = schema_version(db); found > latest) {
    throw Error(ErrorCode::backend_unavailable,
                "schema version " + std::to_string(found) + " is newer than this program's (" +
                    std::to_string(latest) + "); use a newer SoundScripter");
  }
  int expected_version = 1;
  for (const Migration& migration : migrations) {
    const std::string label = "migration " + std::to_string(migration.version) + " (" +
                              migration.description + ")";
    if (migration.version != expected_version++) {
      throw Error(ErrorCode::internal, label + ": migrations must be numbered 1, 2, 3, ...");
    }
    try {
      sqlite::Transaction transaction(db);
      // Read again under the write lock: another process opening the same
      // new file may have applied this migration while we waited.
      if (schema_version(db) >= migration.version) continue;
      sqlite::exec(db, migration.sql);
      sqlite::exec(db, "PRAGMA user_version = " + std::to_string(migration.version));
      transaction.commit();
    } catch (const Error& error) {
      throw error.with_context(label);
    }
  }
}

}  // namespace soundscripter
