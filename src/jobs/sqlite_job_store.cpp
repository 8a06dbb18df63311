// The embedded mode's JobStore: one SQLite file in WAL mode.
//
// One connection guarded by a mutex: SQLite serialises writers anyway, the
// statements are prepared once and each runs in microseconds, and a single
// connection makes every compare-and-set and "next seq" trivially atomic
// within the process, while the statements themselves keep them atomic
// against other processes on the same file. WAL lets readers in other
// processes (a backup, the sqlite3 shell) read while we write.
//
// synchronous=NORMAL: in WAL mode a committed transaction survives the
// process being killed (kill -9 mid-job loses nothing); only an OS crash or
// power cut can roll back the last commits, a trade for not syncing to disk
// on every progress update.
#include <algorithm>
#include <functional>
#include <mutex>
#include <string_view>
#include <type_traits>

#include "jobs/job_request_json.hpp"
#include "jobs/job_store.hpp"
#include "jobs/schema_migrations.hpp"
#include "jobs/sqlite_handles.hpp"
#include "jobs/sqlite_job_sql.hpp"
#include "transcript/transcript_json.hpp"
#include "util/error.hpp"

namespace soundscripter {
namespace {

using sqlite::Statement;

constexpr int kBusyTimeoutMs = 5000;

// WAL, unless the file cannot do it (some network file systems answer
// with their old mode): refuse that, since readers would then block the
// writer. An in-memory database answers "memory", which is fine.
void enable_wal(sqlite3* db, const std::string& path) {
  sqlite::StatementCache prepare(db);
  auto mode = prepare("PRAGMA journal_mode = WAL");
  if (mode.step() && mode.text(0) != "wal" && path != ":memory:") {
    throw Error(ErrorCode::backend_unavailable,
                "cannot use WAL mode (journal mode is " + mode.text(0) + ")");
  }
}

// The connection, configured and with the schema brought up to date.
sqlite::Connection open_store(const std::string& path) {
  try {
    sqlite::Connection db = sqlite::open(path);
    sqlite::exec(db.get(), "PRAGMA busy_timeout = " + std::to_string(kBusyTimeoutMs) +
                               "; PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;");
    enable_wal(db.get(), path);
    apply_migrations(db.get(), job_store_migrations());
    return db;
  } catch (const Error& error) {
    // Whatever failed, the store cannot be used: that is unavailability,
    // except a bug in the migrations, which says so itself.
    const ErrorCode code =
        error.code() == ErrorCode::internal ? ErrorCode::internal : ErrorCode::backend_unavailable;
    throw Error(code, "job store " + path + ": " + error.what());
  }
}

class SqliteJobStore final : public JobStore {
 public:
  explicit SqliteJobStore(std::string path)
      : path_(std::move(path)), db_(open_store(path_)), prepare_(db_.get()) {}

  void create(const Job& job) override {
    locked("job " + job.id + ": create", [&] {
      auto insert = prepare_("INSERT INTO jobs (" + std::string(kJobColumns) +
                             ", published) VALUES (" + kJobPlaceholders + ", 0)");
      bind_job(insert, job);
      insert.run();
    });
  }

  std::optional<Job> get(const std::string& id) override {
    return locked("job " + id + ": get", [&] { return get_locked(id); });
  }

  JobPage list(const JobQuery& query) override {
    return locked("list jobs", [&] {
      // Only the filters in use appear in the SQL, so each variant is its
      // own cached statement whose plan can use the matching index.
      std::string where = " WHERE 1";
      if (query.owner) where += " AND owner = ?1";
      if (query.state) where += " AND state = ?2";
      auto bind_filters = [&](Statement& statement) {
        if (query.owner) statement.bind(1, *query.owner);
        if (query.state) statement.bind(2, to_string(*query.state));
      };
      JobPage page;
      auto count = prepare_("SELECT COUNT(*) FROM jobs" + where);
      bind_filters(count);
      if (count.step()) page.total = count.integer(0);

      auto select = prepare_("SELECT " + std::string(kJobColumns) + " FROM jobs" + where +
                                " ORDER BY created_at DESC, rowid DESC LIMIT ?3 OFFSET ?4");
      bind_filters(select);
      select.bind(3, std::clamp(query.limit, 1, 100)).bind(4, std::max(query.offset, 0));
      while (select.step()) page.jobs.push_back(read_job(select));
      return page;
    });
  }

  bool transition(const std::string& id, std::vector<JobState> from, JobState to,
                  const std::string& error_code, const std::string& error_message) override {
    return locked("job " + id + ": transition to " + std::string(to_string(to)),
                  [&] { return transition_locked(id, from, to, error_code, error_message); });
  }

  bool requeue_with_request(const std::string& id, std::vector<JobState> from,
                            const JobRequest& request) override {
    const std::string text = dump_json(job_request_to_json(request));
    return locked("job " + id + ": requeue with new options", [&] {
      sqlite::Transaction transaction(db_.get());
      if (!transition_locked(id, from, JobState::queued, {}, {})) return false;
      prepare_("UPDATE jobs SET request = ?1 WHERE id = ?2").bind(1, text).bind(2, id).run();
      prepare_("DELETE FROM chunks WHERE job = ?1").bind(1, id).run();
      transaction.commit();
      return true;
    });
  }

  void set_progress(const std::string& id, double progress) override {
    locked("job " + id + ": set progress", [&] {
      auto update = prepare_("UPDATE jobs SET progress = ?1 WHERE id = ?2");
      update.bind(1, std::clamp(progress, 0.0, 1.0)).bind(2, id).run();
    });
  }

  void set_media_duration(const std::string& id, double seconds) override {
    locked("job " + id + ": set media duration", [&] {
      auto update = prepare_("UPDATE jobs SET media_duration = ?1 WHERE id = ?2");
      update.bind(1, seconds).bind(2, id).run();
    });
  }

  void save_result(const std::string& id, const Transcript& transcript) override {
    // Serialise outside the lock: a long transcript takes a while to dump.
    const std::string text = dump_json(transcript_to_json(transcript));
    locked("job " + id + ": save result", [&] {
      auto upsert = prepare_(
          "INSERT INTO results (job, transcript, created_at) VALUES (?1, ?2, ?3) "
          "ON CONFLICT (job) DO UPDATE SET transcript = excluded.transcript, "
          "created_at = excluded.created_at");
      upsert.bind(1, id).bind(2, text).bind(3, unix_now()).run();
    });
  }

  std::optional<Transcript> result(const std::string& id) override {
    std::optional<std::string> text = locked("job " + id + ": read result", [&] {
      auto select = prepare_("SELECT transcript FROM results WHERE job = ?1");
      select.bind(1, id);
      return select.step() ? std::optional(select.text(0)) : std::nullopt;
    });
    if (!text) return std::nullopt;
    return with_context("job " + id + ": read result",
                        [&] { return transcript_from_json(parse_json(*text)); });
  }

  JobEvent append_event(const std::string& job, const std::string& type,
                        nlohmann::json data) override {
    JobEvent event{job, 0, type, std::move(data)};
    const std::string text = dump_json(event.data);
    locked("job " + job + ": append " + type + " event", [&] {
      // One statement: the next seq is read and used atomically, even
      // against another process writing to the same file.
      auto insert = prepare_(
          "INSERT INTO events (job, seq, type, data, position) "
          "SELECT ?1, COALESCE(MAX(seq), 0) + 1, ?2, ?3, "
          "(SELECT COALESCE(MAX(position), 0) + 1 FROM events) FROM events WHERE job = ?1 "
          "RETURNING seq");
      insert.bind(1, job).bind(2, type).bind(3, text);
      if (insert.step()) event.seq = insert.integer(0);
      insert.run();
    });
    return event;
  }

  std::vector<JobEvent> events_after(const std::string& job, std::int64_t after_seq) override {
    return locked("job " + job + ": read events", [&] {
      auto select = prepare_(
          "SELECT seq, type, data FROM events WHERE job = ?1 AND seq > ?2 ORDER BY seq");
      select.bind(1, job).bind(2, after_seq);
      std::vector<JobEvent> events;
      while (select.step()) {
        events.push_back({job, select.integer(0), select.text(1), parse_json(select.text(2))});
      }
      return events;
    });
  }

  std::optional<std::int64_t> event_position(const std::string& job, std::int64_t seq) override {
    return locked("job " + job + ": find event " + std::to_string(seq), [&] {
      auto select = prepare_("SELECT position FROM events WHERE job = ?1 AND seq = ?2");
      select.bind(1, job).bind(2, seq);
      if (!select.step()) return std::optional<std::int64_t>();
      const std::optional<double> position = select.optional_real(0);
      return position ? std::optional(static_cast<std::int64_t>(*position)) : std::nullopt;
    });
  }

  std::vector<JobEvent> events_after_position(std::int64_t position, int limit) override {
    return locked("read events after position " + std::to_string(position), [&] {
      auto select = prepare_(
          "SELECT job, seq, type, data FROM events WHERE position > ?1 ORDER BY position LIMIT ?2");
      select.bind(1, position).bind(2, std::max(limit, 1));
      std::vector<JobEvent> events;
      while (select.step()) {
        events.push_back({select.text(0), select.integer(1), select.text(2), parse_json(select.text(3))});
      }
      return events;
    });
  }

  std::vector<Job> unpublished(double created_before, int limit) override {
    return locked("list unpublished jobs", [&] {
      return select_jobs(
          "published = 0 AND state = 'queued' AND created_at < ?1 ORDER BY created_at, rowid "
          "LIMIT ?2",
          [&](Statement& select) { select.bind(1, created_before).bind(2, std::max(limit, 1)); });
    });
  }

  void mark_published(const std::string& id) override {
    locked("job " + id + ": mark published", [&] {
      auto update = prepare_("UPDATE jobs SET published = 1 WHERE id = ?1");
      update.bind(1, id).run();
    });
  }

  std::vector<JobChunk> split_job(const std::string& job,
                                  const std::vector<AudioSpan>& spans) override {
    return locked("job " + job + ": split into chunks", [&] {
      // In one transaction, so two splitters at once store one plan.
      sqlite::Transaction transaction(db_.get());
      bool planned = false;
      {
        auto count = prepare_("SELECT COUNT(*) FROM chunks WHERE job = ?1");
        count.bind(1, job);
        planned = count.step() && count.integer(0) > 0;
      }
      if (!planned) {
        for (std::size_t index = 0; index < spans.size(); ++index) {
          auto insert = prepare_(
              "INSERT INTO chunks (job, idx, start_sample, sample_count, state) "
              "VALUES (?1, ?2, ?3, ?4, 'queued')");
          insert.bind(1, job).bind(2, static_cast<std::int64_t>(index));
          insert.bind(3, spans[index].start_sample).bind(4, spans[index].sample_count).run();
        }
      }
      transaction.commit();
      return chunks_locked(job);
    });
  }

  std::vector<JobChunk> chunks(const std::string& job, bool transcripts) override {
    return locked("job " + job + ": read chunks", [&] { return chunks_locked(job, transcripts); });
  }

  bool transition_chunk(const std::string& job, int index, std::vector<ChunkState> from,
                        ChunkState to, const Transcript* transcript) override {
    if (from.empty()) return false;
    const std::string text = transcript ? dump_json(transcript_to_json(*transcript)) : "";
    const std::string what = chunk_transition_context(job, index, to);
    return locked(what, [&] {
      std::string states;
      for (std::size_t i = 0; i < from.size(); ++i) {
        states += (i ? ", ?" : "?") + std::to_string(5 + i);
      }
      auto update = prepare_("UPDATE chunks SET state = ?1, " + chunk_transition_set_clause(to, "?2") +
                             " WHERE job = ?3 AND idx = ?4 AND state IN (" + states + ")");
      update.bind(1, to_string(to)).bind(2, text).bind(3, job).bind(4, index);
      for (std::size_t i = 0; i < from.size(); ++i) {
        update.bind(static_cast<int>(5 + i), to_string(from[i]));
      }
      update.run();
      return sqlite3_changes(db_.get()) == 1;
    });
  }

  void set_chunk_progress(const std::string& job, int index, double progress) override {
    locked("job " + job + ": chunk " + std::to_string(index) + " progress", [&] {
      auto update = prepare_(
          "UPDATE chunks SET progress = ?1 WHERE job = ?2 AND idx = ?3 AND state = 'processing'");
      update.bind(1, std::clamp(progress, 0.0, 1.0)).bind(2, job).bind(3, index).run();
    });
  }

  bool advance_chunk_segments(const std::string& job, int index, ChunkSegments from,
                              ChunkSegments to) override {
    return locked("job " + job + ": chunk " + std::to_string(index) + " segments", [&] {
      const std::string order = from == ChunkSegments::unsent
                                    ? std::string(" AND ") + kEarlierChunkSegmentsSent
                                    : std::string();
      auto update = prepare_(
          "UPDATE chunks SET segments = ?1 WHERE job = ?2 AND idx = ?3 AND segments = ?4 "
          "AND state = 'done'" + order);
      update.bind(1, static_cast<int>(to)).bind(2, job).bind(3, index);
      update.bind(4, static_cast<int>(from)).run();
      return sqlite3_changes(db_.get()) == 1;
    });
  }

  bool advance_live_segments(const std::string& job, int index, int from, int to) override {
    return locked("job " + job + ": chunk " + std::to_string(index) + " live segments", [&] {
      auto update = prepare_(
          "UPDATE chunks SET live_segments = ?1 WHERE job = ?2 AND idx = ?3 AND live_segments = ?4 "
          "AND state = 'processing' AND segments = 0 AND " + std::string(kEarlierChunkSegmentsSent));
      update.bind(1, to).bind(2, job).bind(3, index).bind(4, from).run();
      return sqlite3_changes(db_.get()) == 1;
    });
  }

  void beat_worker(const WorkerInfo& worker) override {
    locked("worker " + worker.id + ": heartbeat", [&] {
      auto upsert = prepare_(
          "INSERT OR REPLACE INTO workers (id, host, slots, busy, jobs, engines, started_at, "
          "last_beat) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
      upsert.bind(1, worker.id).bind(2, worker.host).bind(3, worker.slots).bind(4, worker.busy);
      upsert.bind(5, dump_json(worker.jobs)).bind(6, dump_json(worker.engines));
      upsert.bind(7, worker.started_at).bind(8, unix_now()).run();
    });
  }

  std::vector<WorkerInfo> live_workers(double since) override {
    return locked("list workers", [&] {
      auto select = prepare_(
          "SELECT id, host, slots, busy, jobs, engines, started_at, last_beat FROM workers "
          "WHERE last_beat >= ?1 ORDER BY id");
      select.bind(1, since);
      std::vector<WorkerInfo> workers;
      while (select.step()) {
        WorkerInfo worker;
        worker.id = select.text(0);
        worker.host = select.text(1);
        worker.slots = static_cast<int>(select.integer(2));
        worker.busy = static_cast<int>(select.integer(3));
        worker.jobs = parse_json(select.text(4)).get<std::vector<std::string>>();
        worker.engines = parse_json(select.text(5)).get<std::vector<std::string>>();
        worker.started_at = select.real(6);
        worker.last_beat = select.real(7);
        workers.push_back(std::move(worker));
      }
      return workers;
    });
  }

  void forget_worker(const std::string& id) override {
    locked("worker " + id + ": forget", [&] {
      auto remove = prepare_("DELETE FROM workers WHERE id = ?1");
      remove.bind(1, id).run();
    });
  }

  std::vector<Job> requeue_interrupted() override {
    return locked("requeue interrupted jobs", [&] {
      sqlite::Transaction transaction(db_.get());
      std::vector<Job> jobs = select_jobs("state = 'processing' ORDER BY created_at, rowid");
      for (Job& job : jobs) {
        transition_locked(job.id, {JobState::processing}, JobState::queued, {}, {});
        job = *get_locked(job.id);
      }
      transaction.commit();
      return jobs;
    });
  }

  std::vector<Job> queued_jobs() override {
    return locked("list queued jobs",
                  [&] { return select_jobs("state = 'queued' ORDER BY created_at, rowid"); });
  }

  std::vector<Job> finished_before(double before) override {
    return locked("list finished jobs", [&] {
      return select_jobs(
          "state IN ('completed', 'failed', 'cancelled') AND finished_at < ?1 ORDER BY finished_at",
          [&](Statement& select) { select.bind(1, before); });
    });
  }

  void remove(const std::string& id) override {
    // Results and events go too (ON DELETE CASCADE).
    locked("job " + id + ": remove", [&] {
      auto remove = prepare_("DELETE FROM jobs WHERE id = ?1");
      remove.bind(1, id).run();
    });
  }

  std::vector<std::pair<int, std::int64_t>> count_queued_by_priority() override {
    return locked("count queued jobs by priority", [&] {
      std::vector<std::pair<int, std::int64_t>> counts;
      for (int priority = 0; priority <= 9; ++priority) counts.emplace_back(priority, 0);
      auto select = prepare_(
          "SELECT COALESCE(json_extract(request, '$.priority'), 5), COUNT(*) FROM jobs "
          "WHERE state = 'queued' "
          "GROUP BY 1");
      while (select.step()) {
        const auto priority = select.integer(0);
        if (priority >= 0 && priority <= 9) counts[static_cast<std::size_t>(priority)].second = select.integer(1);
      }
      return counts;
    });
  }

  std::int64_t count_completed_since(double since) override {
    return locked("count completed jobs", [&] {
      auto select = prepare_("SELECT COUNT(*) FROM jobs WHERE state = 'completed' AND finished_at >= ?1");
      select.bind(1, since);
      return select.step() ? select.integer(0) : 0;
    });
  }

  std::int64_t reruns() override {
    return locked("count reruns", [&] {
      auto select = prepare_(kRerunsSql);
      return select.step() ? select.integer(0) : 0;
    });
  }

  std::vector<std::pair<JobState, std::int64_t>> count_by_state() override {
    return locked("count jobs", [&] {
      // Every state, zeros included, so a metric never disappears.
      std::vector<std::pair<JobState, std::int64_t>> counts;
      for (JobState state : kAllJobStates) counts.emplace_back(state, 0);
      auto select = prepare_("SELECT state, COUNT(*) FROM jobs GROUP BY state");
      while (select.step()) {
        const JobState state = parse_job_state(select.text(0));
        counts[static_cast<std::size_t>(state)].second = select.integer(1);
      }
      return counts;
    });
  }

  bool healthy() override {
    try {
      return locked("health check", [&] {
        auto select = prepare_("SELECT 1 FROM jobs LIMIT 1");
        select.step();
        return true;
      });
    } catch (const Error&) {
      return false;
    }
  }

 private:
  // Runs body under the connection's lock; any Error leaves with
  // "job store PATH: what: " in front, so it names the file and the job.
  template <typename Body>
  auto locked(const std::string& what, Body&& body) -> std::invoke_result_t<Body&> {
    std::lock_guard lock(mutex_);
    return with_context(what, std::forward<Body>(body));
  }

  template <typename Body>
  auto with_context(const std::string& what, Body&& body) -> std::invoke_result_t<Body&> {
    try {
      return body();
    } catch (const Error& error) {
      throw error.with_context(what).with_context("job store " + path_);
    }
  }

  bool transition_locked(const std::string& id, const std::vector<JobState>& from, JobState to,
                         const std::string& error_code, const std::string& error_message) {
    if (from.empty()) return false;
    auto update = prepare_(transition_sql(to, from.size()));
    update.bind(1, to_string(to)).bind(2, unix_now()).bind(3, error_code).bind(4, error_message);
    update.bind(5, id);
    for (std::size_t i = 0; i < from.size(); ++i) {
      update.bind(static_cast<int>(6 + i), to_string(from[i]));
    }
    update.run();
    return sqlite3_changes(db_.get()) == 1;
  }

  std::vector<JobChunk> chunks_locked(const std::string& job, bool transcripts = true) {
    auto select = prepare_("SELECT " + std::string(kChunkColumns) +
                           (transcripts ? ", transcript" : ", NULL") +
                           " FROM chunks WHERE job = ?1 ORDER BY idx");
    select.bind(1, job);
    std::vector<JobChunk> chunks;
    while (select.step()) {
      JobChunk chunk;
      chunk.index = static_cast<int>(select.integer(0));
      chunk.span = {select.integer(1), select.integer(2)};
      chunk.state = parse_chunk_state(select.text(3));
      chunk.attempts = static_cast<int>(select.integer(4));
      chunk.progress = select.real(5);
      chunk.segments = static_cast<ChunkSegments>(select.integer(6));
      chunk.live_segments = static_cast<int>(select.integer(7));
      if (transcripts && chunk.state == ChunkState::done) {
        chunk.transcript = transcript_from_json(parse_json(select.text(8)));
      }
      chunks.push_back(std::move(chunk));
    }
    return chunks;
  }

  std::optional<Job> get_locked(const std::string& id) {
    std::vector<Job> jobs = select_jobs("id = ?1", [&](Statement& select) { select.bind(1, id); });
    if (jobs.empty()) return std::nullopt;
    return std::move(jobs.front());
  }

  std::vector<Job> select_jobs(const std::string& where_and_order,
                               const std::function<void(Statement&)>& bind = {}) {
    auto select =
        prepare_("SELECT " + std::string(kJobColumns) + " FROM jobs WHERE " + where_and_order);
    if (bind) bind(select);
    std::vector<Job> jobs;
    while (select.step()) jobs.push_back(read_job(select));
    return jobs;
  }

  std::string path_;
  std::mutex mutex_;
  sqlite::Connection db_;
  sqlite::StatementCache prepare_;
};

}  // namespace

std::unique_ptr<JobStore> make_sqlite_job_store(const std::string& path) {
  return std::make_unique<SqliteJobStore>(path);
}

}  // namespace soundscripter
