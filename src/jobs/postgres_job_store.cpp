// The distributed mode's JobStore: one PostgreSQL database shared by every
// API and worker process.
//
// What holds across processes, and why:
// - Each call that writes runs in its own transaction (pqxx::work), so a
//   connection lost before COMMIT means nothing was written, and the call
//   can safely be tried again (see run()). A lost COMMIT is reported, not
//   retried: the change may or may not have been saved.
// - A transition is one UPDATE ... WHERE state IN (...): the row lock
//   makes it a compare-and-set against every other process.
// - append_event raises jobs.last_seq and inserts the event with that
//   number in one statement; the UPDATE holds the job's row lock until
//   COMMIT, so concurrent appenders queue up and seqs have no gaps and no
//   duplicates.
// - Migrations run under an advisory lock (postgres_schema.cpp).
// Connections come from a small pool (postgres_connection_pool.hpp); a
// broken one is dropped and the store reconnects by itself once the server
// is back. Errors name the database as postgresql://host:port/db, never
// with the user or password.
#include <algorithm>
#include <type_traits>

#include <pqxx/pqxx>

#include "jobs/job_request_json.hpp"
#include "jobs/job_store.hpp"
#include "jobs/postgres_connection_pool.hpp"
#include "jobs/postgres_errors.hpp"
#include "jobs/postgres_job_sql.hpp"
#include "jobs/postgres_params.hpp"
#include "jobs/postgres_schema.hpp"
#include "jobs/postgres_url.hpp"
#include "transcript/transcript_json.hpp"
#include "util/error.hpp"

namespace soundscripter {
namespace {

using postgres::ConnectionPool;
using postgres::Params;

const std::string kSelectJobs = "SELECT " + std::string(kJobColumns) + " FROM jobs ";

// The database's schema brought up to date; any failure leaves with the
// database's name in front, as every error of the store does.
void migrate(const std::string& url, const std::string& name) {
  try {
    postgres::apply_migrations(url, postgres::job_store_migrations());
  } catch (const Error& error) {
    // The store cannot be used: that is unavailability, except a bug in
    // the migrations, which says so itself.
    const ErrorCode code =
        error.code() == ErrorCode::internal ? ErrorCode::internal : ErrorCode::backend_unavailable;
    throw Error(code, "job store " + name + ": " + error.what());
  }
}

class PostgresJobStore final : public JobStore {
 public:
  PostgresJobStore(const std::string& url, int connections)
      : name_(postgres::url_for_messages(url)), pool_(url, connections) {
    migrate(url, name_);
  }

  void create(const Job& job) override {
    write("job " + job.id + ": create", [&](pqxx::work& transaction) {
      Params params;
      const std::string values = postgres::job_values(params, job);
      params.exec(transaction, "INSERT INTO jobs (" + std::string(kJobColumns) +
                                   ", published) VALUES (" + values + ", false)");
    });
  }

  std::optional<Job> get(const std::string& id) override {
    return read("job " + id + ": get", [&](pqxx::nontransaction& transaction) {
      std::vector<Job> jobs = select_jobs(transaction, [&](Params& params) {
        return "WHERE id = " + params.text(id);
      });
      return jobs.empty() ? std::nullopt : std::optional(std::move(jobs.front()));
    });
  }

  JobPage list(const JobQuery& query) override {
    // A transaction, not two separate reads: the count and the page come
    // from one snapshot (REPEATABLE READ), so total matches what was paged.
    return run("list jobs", [&](pqxx::connection& connection) {
      pqxx::transaction<pqxx::repeatable_read, pqxx::read_only> transaction(connection);
      // Only the filters in use appear in the SQL, so the planner can use
      // the matching index.
      auto where = [&](Params& params) {
        std::string sql = "WHERE true";
        if (query.owner) sql += " AND owner = " + params.text(*query.owner);
        if (query.state) sql += " AND state = " + params.text(to_string(*query.state));
        return sql;
      };
      JobPage page;
      Params count_params;
      const std::string count_sql = "SELECT COUNT(*) FROM jobs " + where(count_params);
      page.total = postgres::integer_field(count_params.exec(transaction, count_sql)[0][0]);
      page.jobs = select_jobs(transaction, [&](Params& params) {
        std::string sql = where(params) + " ORDER BY created_at DESC, ordinal DESC";
        sql += " LIMIT " + params.integer(std::clamp(query.limit, 1, 100));
        return sql + " OFFSET " + params.integer(std::max(query.offset, 0));
      });
      transaction.commit();
      return page;
    });
  }

  bool transition(const std::string& id, std::vector<JobState> from, JobState to,
                  const std::string& error_code, const std::string& error_message) override {
    if (from.empty()) return false;
    return write("job " + id + ": transition to " + std::string(to_string(to)),
                 [&](pqxx::work& transaction) {
                   Params params;
                   const std::string sql = postgres::transition_sql(
                       params, id, to, from, unix_now(), error_code, error_message);
                   return params.exec(transaction, sql).affected_rows() == 1;
                 });
  }

  bool requeue_with_request(const std::string& id, std::vector<JobState> from,
                            const JobRequest& request) override {
    if (from.empty()) return false;
    const std::string text = dump_json(job_request_to_json(request));
    return write("job " + id + ": requeue with new options", [&](pqxx::work& transaction) {
      Params params;
      const std::string sql = postgres::transition_sql(params, id, JobState::queued, from, unix_now(), {}, {});
      if (params.exec(transaction, sql).affected_rows() != 1) return false;
      Params update;
      update.exec(transaction,
                  "UPDATE jobs SET request = " + update.text(text) + " WHERE id = " + update.text(id));
      Params forget;
      forget.exec(transaction, "DELETE FROM chunks WHERE job = " + forget.text(id));
      return true;
    });
  }

  void set_progress(const std::string& id, double progress) override {
    write("job " + id + ": set progress", [&](pqxx::work& transaction) {
      Params params;
      const std::string value = params.real(std::clamp(progress, 0.0, 1.0));
      params.exec(transaction,
                  "UPDATE jobs SET progress = " + value + " WHERE id = " + params.text(id));
    });
  }

  void set_media_duration(const std::string& id, double seconds) override {
    write("job " + id + ": set media duration", [&](pqxx::work& transaction) {
      Params params;
      const std::string value = params.real(seconds);
      params.exec(transaction,
                  "UPDATE jobs SET media_duration = " + value + " WHERE id = " + params.text(id));
    });
  }

  void save_result(const std::string& id, const Transcript& transcript) override {
    // Serialise before taking a connection: a long transcript takes a while.
    const std::string text = dump_json(transcript_to_json(transcript));
    write("job " + id + ": save result", [&](pqxx::work& transaction) {
      Params params;
      const std::string values =
          params.text(id) + ", " + params.text(text) + ", " + params.real(unix_now());
      params.exec(transaction,
                  "INSERT INTO results (job, transcript, created_at) VALUES (" + values +
                      ") ON CONFLICT (job) DO UPDATE SET transcript = excluded.transcript, "
                      "created_at = excluded.created_at");
    });
  }

  std::optional<Transcript> result(const std::string& id) override {
    const std::string what = "job " + id + ": read result";
    std::optional<std::string> text = read(what, [&](pqxx::nontransaction& transaction) {
      Params params;
      const pqxx::result rows = params.exec(
          transaction, "SELECT transcript FROM results WHERE job = " + params.text(id));
      return rows.empty() ? std::nullopt : std::optional<std::string>(rows[0][0].c_str());
    });
    if (!text) return std::nullopt;
    return with_context(what, [&] { return transcript_from_json(parse_json(*text)); });
  }

  JobEvent append_event(const std::string& job, const std::string& type,
                        nlohmann::json data) override {
    JobEvent event{job, 0, type, std::move(data)};
    const std::string text = dump_json(event.data);
    event.seq = write("job " + job + ": append " + type + " event", [&](pqxx::work& transaction) {
      // The UPDATE locks the job's row until COMMIT: the next appender to
      // this job waits here and then reads the raised last_seq.
      // The position counter's row lock is taken first by every appender
      // (then the job's row), so no two wait for each other in a cycle.
      const pqxx::result position =
          transaction.exec("UPDATE event_position SET last = last + 1 RETURNING last");
      Params params;
      const std::string id = params.text(job);
      const std::string sql =
          "WITH next AS (UPDATE jobs SET last_seq = last_seq + 1 WHERE id = " + id +
          " RETURNING last_seq) INSERT INTO events (job, seq, type, data, position) SELECT " + id +
          ", last_seq, " + params.text(type) + ", " + params.text(text) + ", " +
          params.integer(postgres::integer_field(position[0][0])) + " FROM next RETURNING seq";
      const pqxx::result rows = params.exec(transaction, sql);
      if (rows.empty()) throw Error(ErrorCode::not_found, "no such job");
      return postgres::integer_field(rows[0][0]);
    });
    return event;
  }

  std::vector<JobEvent> events_after(const std::string& job, std::int64_t after_seq) override {
    return read("job " + job + ": read events", [&](pqxx::nontransaction& transaction) {
      Params params;
      const std::string sql = "SELECT seq, type, data FROM events WHERE job = " +
                              params.text(job) + " AND seq > " + params.integer(after_seq) +
                              " ORDER BY seq";
      std::vector<JobEvent> events;
      for (const pqxx::row& row : params.exec(transaction, sql)) {
        events.push_back({job, postgres::integer_field(row[0]), row[1].c_str(),
                          parse_json(row[2].c_str())});
      }
      return events;
    });
  }

  std::optional<std::int64_t> event_position(const std::string& job, std::int64_t seq) override {
    return read("job " + job + ": find event " + std::to_string(seq), [&](pqxx::nontransaction& transaction) {
      Params params;
      const pqxx::result rows = params.exec(
          transaction, "SELECT position FROM events WHERE job = " + params.text(job) +
                           " AND seq = " + params.integer(seq));
      if (rows.empty() || rows[0][0].is_null()) return std::optional<std::int64_t>();
      return std::optional(postgres::integer_field(rows[0][0]));
    });
  }

  std::vector<JobEvent> events_after_position(std::int64_t position, int limit) override {
    return read("read events after position " + std::to_string(position),
                [&](pqxx::nontransaction& transaction) {
                  Params params;
                  const std::string sql =
                      "SELECT job, seq, type, data FROM events WHERE position > " +
                      params.integer(position) + " ORDER BY position LIMIT " +
                      params.integer(std::max(limit, 1));
                  std::vector<JobEvent> events;
                  for (const pqxx::row& row : params.exec(transaction, sql)) {
                    events.push_back({row[0].c_str(), postgres::integer_field(row[1]), row[2].c_str(),
                                      parse_json(row[3].c_str())});
                  }
                  return events;
                });
  }

  std::vector<Job> unpublished(double created_before, int limit) override {
    return read("list unpublished jobs", [&](pqxx::nontransaction& transaction) {
      return select_jobs(transaction, [&](Params& params) {
        std::string sql = "WHERE NOT published AND state = 'queued' AND created_at < " +
                          params.real(created_before);
        return sql + " ORDER BY created_at, ordinal LIMIT " + params.integer(std::max(limit, 1));
      });
    });
  }

  void mark_published(const std::string& id) override {
    write("job " + id + ": mark published", [&](pqxx::work& transaction) {
      Params params;
      params.exec(transaction, "UPDATE jobs SET published = true WHERE id = " + params.text(id));
    });
  }

  std::vector<JobChunk> split_job(const std::string& job,
                                  const std::vector<AudioSpan>& spans) override {
    return write("job " + job + ": split into chunks", [&](pqxx::work& transaction) {
      // The job's row lock makes two splitters at once store one plan.
      Params lock;
      lock.exec(transaction, "SELECT 1 FROM jobs WHERE id = " + lock.text(job) + " FOR UPDATE");
      if (select_chunks(transaction, job).empty()) {
        for (std::size_t index = 0; index < spans.size(); ++index) {
          Params params;
          std::string values = params.text(job);
          values += ", " + params.integer(static_cast<std::int64_t>(index));
          values += ", " + params.integer(spans[index].start_sample);
          values += ", " + params.integer(spans[index].sample_count);
          params.exec(transaction,
                      "INSERT INTO chunks (job, idx, start_sample, sample_count, state) VALUES (" +
                          values + ", 'queued')");
        }
      }
      return select_chunks(transaction, job);
    });
  }

  std::vector<JobChunk> chunks(const std::string& job, bool transcripts) override {
    return read("job " + job + ": read chunks",
                [&](pqxx::nontransaction& transaction) { return select_chunks(transaction, job, transcripts); });
  }

  bool transition_chunk(const std::string& job, int index, std::vector<ChunkState> from,
                        ChunkState to, const Transcript* transcript) override {
    if (from.empty()) return false;
    const std::string text = transcript ? dump_json(transcript_to_json(*transcript)) : "";
    const std::string what = chunk_transition_context(job, index, to);
    return write(what, [&](pqxx::work& transaction) {
      Params params;
      std::string sql = "UPDATE chunks SET state = " + params.text(to_string(to)) + ", ";
      sql += to == ChunkState::done ? chunk_transition_set_clause(to, params.text(text))
                                    : chunk_transition_set_clause(to, "");
      sql += " WHERE job = " + params.text(job) + " AND idx = " + params.integer(index) +
             " AND state IN (";
      for (std::size_t i = 0; i < from.size(); ++i) {
        sql += (i ? ", " : "") + params.text(to_string(from[i]));
      }
      return params.exec(transaction, sql + ")").affected_rows() == 1;
    });
  }

  void set_chunk_progress(const std::string& job, int index, double progress) override {
    write("job " + job + ": chunk " + std::to_string(index) + " progress",
          [&](pqxx::work& transaction) {
            Params params;
            const std::string value = params.real(std::clamp(progress, 0.0, 1.0));
            params.exec(transaction, "UPDATE chunks SET progress = " + value + " WHERE job = " +
                                         params.text(job) + " AND idx = " +
                                         params.integer(index) + " AND state = 'processing'");
          });
  }

  bool advance_chunk_segments(const std::string& job, int index, ChunkSegments from,
                              ChunkSegments to) override {
    return write("job " + job + ": chunk " + std::to_string(index) + " segments",
                 [&](pqxx::work& transaction) {
                   Params params;
                   std::string sql = "UPDATE chunks SET segments = " +
                                     params.integer(static_cast<int>(to)) + " WHERE job = " +
                                     params.text(job) + " AND idx = " + params.integer(index) +
                                     " AND segments = " + params.integer(static_cast<int>(from)) +
                                     " AND state = 'done'";
                   if (from == ChunkSegments::unsent) sql += std::string(" AND ") + kEarlierChunkSegmentsSent;
                   return params.exec(transaction, sql).affected_rows() == 1;
                 });
  }

  bool advance_live_segments(const std::string& job, int index, int from, int to) override {
    return write("job " + job + ": chunk " + std::to_string(index) + " live segments",
                 [&](pqxx::work& transaction) {
                   Params params;
                   const std::string sql =
                       "UPDATE chunks SET live_segments = " + params.integer(to) +
                       " WHERE job = " + params.text(job) + " AND idx = " + params.integer(index) +
                       " AND live_segments = " + params.integer(from) +
                       " AND state = 'processing' AND segments = 0 AND " + kEarlierChunkSegmentsSent;
                   return params.exec(transaction, sql).affected_rows() == 1;
                 });
  }

  void beat_worker(const WorkerInfo& worker) override {
    write("worker " + worker.id + ": heartbeat", [&](pqxx::work& transaction) {
      Params params;
      std::string values = params.text(worker.id);
      values += ", " + params.text(worker.host);
      values += ", " + params.integer(worker.slots);
      values += ", " + params.integer(worker.busy);
      values += ", " + params.text(dump_json(worker.jobs));
      values += ", " + params.text(dump_json(worker.engines));
      values += ", " + params.real(worker.started_at);
      values += ", " + params.real(unix_now());
      params.exec(transaction,
                  "INSERT INTO workers (id, host, slots, busy, jobs, engines, started_at, "
                  "last_beat) VALUES (" + values + ") ON CONFLICT (id) DO UPDATE SET "
                  "host = excluded.host, slots = excluded.slots, busy = excluded.busy, "
                  "jobs = excluded.jobs, engines = excluded.engines, "
                  "started_at = excluded.started_at, last_beat = excluded.last_beat");
    });
  }

  std::vector<WorkerInfo> live_workers(double since) override {
    return read("list workers", [&](pqxx::nontransaction& transaction) {
      Params params;
      const std::string sql =
          "SELECT id, host, slots, busy, jobs, engines, started_at, last_beat FROM workers "
          "WHERE last_beat >= " + params.real(since) + " ORDER BY id";
      std::vector<WorkerInfo> workers;
      for (const pqxx::row& row : params.exec(transaction, sql)) {
        WorkerInfo worker;
        worker.id = row[0].c_str();
        worker.host = row[1].c_str();
        worker.slots = static_cast<int>(postgres::integer_field(row[2]));
        worker.busy = static_cast<int>(postgres::integer_field(row[3]));
        worker.jobs = parse_json(row[4].c_str()).get<std::vector<std::string>>();
        worker.engines = parse_json(row[5].c_str()).get<std::vector<std::string>>();
        worker.started_at = postgres::real_field(row[6]);
        worker.last_beat = postgres::real_field(row[7]);
        workers.push_back(std::move(worker));
      }
      return workers;
    });
  }

  void forget_worker(const std::string& id) override {
    write("worker " + id + ": forget", [&](pqxx::work& transaction) {
      Params params;
      params.exec(transaction, "DELETE FROM workers WHERE id = " + params.text(id));
    });
  }

  std::vector<Job> requeue_interrupted() override {
    return write("requeue interrupted jobs", [&](pqxx::work& transaction) {
      // One UPDATE moves them all; RETURNING gives the rows as updated,
      // in no particular order, hence the outer ORDER BY.
      Params params;
      const std::string set =
          postgres::transition_assignments(params, JobState::queued, unix_now());
      const std::string sql = "WITH moved AS (UPDATE jobs SET " + set + " WHERE state = " +
                              params.text(to_string(JobState::processing)) +
                              " RETURNING *) SELECT " + kJobColumns +
                              " FROM moved ORDER BY created_at, ordinal";
      return postgres::read_jobs(params.exec(transaction, sql));
    });
  }

  std::vector<Job> queued_jobs() override {
    return read("list queued jobs", [&](pqxx::nontransaction& transaction) {
      return select_jobs(transaction, [&](Params& params) {
        return "WHERE state = " + params.text(to_string(JobState::queued)) +
               " ORDER BY created_at, ordinal";
      });
    });
  }

  std::vector<Job> finished_before(double before) override {
    return read("list finished jobs", [&](pqxx::nontransaction& transaction) {
      return select_jobs(transaction, [&](Params& params) {
        return "WHERE state IN ('completed', 'failed', 'cancelled') AND finished_at < " +
               params.real(before) + " ORDER BY finished_at";
      });
    });
  }

  void remove(const std::string& id) override {
    // Results and events go too (ON DELETE CASCADE).
    write("job " + id + ": remove", [&](pqxx::work& transaction) {
      Params params;
      params.exec(transaction, "DELETE FROM jobs WHERE id = " + params.text(id));
    });
  }

  std::vector<std::pair<JobState, std::int64_t>> count_by_state() override {
    return read("count jobs", [&](pqxx::nontransaction& transaction) {
      // Every state, zeros included, so a metric never disappears.
      std::vector<std::pair<JobState, std::int64_t>> counts;
      for (JobState state : kAllJobStates) counts.emplace_back(state, 0);
      const pqxx::result rows = transaction.exec("SELECT state, COUNT(*) FROM jobs GROUP BY state");
      for (const pqxx::row& row : rows) {
        const JobState state = parse_job_state(row[0].c_str());
        counts[static_cast<std::size_t>(state)].second = postgres::integer_field(row[1]);
      }
      return counts;
    });
  }

  std::vector<std::pair<int, std::int64_t>> count_queued_by_priority() override {
    return read("count queued jobs by priority", [&](pqxx::nontransaction& transaction) {
      std::vector<std::pair<int, std::int64_t>> counts;
      for (int priority = 0; priority <= 9; ++priority) counts.emplace_back(priority, 0);
      const pqxx::result rows = transaction.exec(
          "SELECT COALESCE((request::jsonb->>'priority')::int, 5), COUNT(*) FROM jobs "
          "WHERE state = 'queued' GROUP BY 1");
      for (const pqxx::row& row : rows) {
        const auto priority = postgres::integer_field(row[0]);
        if (priority >= 0 && priority <= 9) {
          counts[static_cast<std::size_t>(priority)].second = postgres::integer_field(row[1]);
        }
      }
      return counts;
    });
  }

  std::int64_t count_completed_since(double since) override {
    return read("count completed jobs", [&](pqxx::nontransaction& transaction) {
      Params params;
      const auto rows = params.exec(transaction, "SELECT COUNT(*) FROM jobs WHERE state = 'completed' AND finished_at >= " +
                                                     params.real(since));
      return postgres::integer_field(rows[0][0]);
    });
  }

  std::int64_t reruns() override {
    return read("count reruns", [&](pqxx::nontransaction& transaction) {
      return postgres::integer_field(transaction.exec(kRerunsSql)[0][0]);
    });
  }

  bool healthy() override {
    try {
      return read("health check", [&](pqxx::nontransaction& transaction) {
        transaction.exec("SELECT 1 FROM jobs LIMIT 1");
        return true;
      });
    } catch (...) {  // a health check answers, whatever happened
      return false;
    }
  }

 private:
  // Runs body(connection) on a pooled connection; any failure leaves as an
  // Error with "job store postgresql://host:port/db: what: " in front.
  //
  // A connection that served earlier calls may have been cut since (the
  // server restarted) without anyone noticing: if it turns out lost, it
  // is dropped along with the other idle ones, and the call runs once
  // more on a fresh connection. That is safe because body commits at most
  // once, at its end, and a lost COMMIT (in_doubt_error) is not retried:
  // a call that failed before COMMIT wrote nothing.
  static std::vector<JobChunk> select_chunks(pqxx::transaction_base& transaction,
                                             const std::string& job, bool transcripts = true) {
    Params params;
    const std::string sql = "SELECT " + std::string(kChunkColumns) +
                            (transcripts ? ", transcript" : ", NULL") +
                            " FROM chunks WHERE job = " + params.text(job) + " ORDER BY idx";
    std::vector<JobChunk> chunks;
    for (const pqxx::row& row : params.exec(transaction, sql)) {
      JobChunk chunk;
      chunk.index = static_cast<int>(postgres::integer_field(row[0]));
      chunk.span = {postgres::integer_field(row[1]), postgres::integer_field(row[2])};
      chunk.state = parse_chunk_state(row[3].c_str());
      chunk.attempts = static_cast<int>(postgres::integer_field(row[4]));
      chunk.progress = postgres::real_field(row[5]);
      chunk.segments = static_cast<ChunkSegments>(postgres::integer_field(row[6]));
      chunk.live_segments = static_cast<int>(postgres::integer_field(row[7]));
      if (chunk.state == ChunkState::done && !row[8].is_null()) {
        chunk.transcript = transcript_from_json(parse_json(row[8].c_str()));
      }
      chunks.push_back(std::move(chunk));
    }
    return chunks;
  }

  template <typename Body>
  auto run(const std::string& what, Body&& body)
      -> std::invoke_result_t<Body&, pqxx::connection&> {
    return with_context(what, [&] {
      for (int attempt = 1;; ++attempt) {
        ConnectionPool::Lease lease = pool_.acquire();
        try {
          return body(lease.connection());
        } catch (const Error&) {
          throw;
        } catch (const std::exception& failure) {
          if (!postgres::connection_lost(failure)) throw postgres::to_error(failure);
          lease.discard();
          pool_.discard_idle();
          const bool commit_unknown = dynamic_cast<const pqxx::in_doubt_error*>(&failure);
          if (attempt > 1 || !lease.reused() || commit_unknown) throw postgres::to_error(failure);
        }
      }
    });
  }

  // body(work) in a read-write transaction, committed when body returns.
  template <typename Body>
  auto write(const std::string& what, Body&& body) -> std::invoke_result_t<Body&, pqxx::work&> {
    return run(what, [&](pqxx::connection& connection) {
      pqxx::work transaction(connection);
      if constexpr (std::is_void_v<std::invoke_result_t<Body&, pqxx::work&>>) {
        body(transaction);
        transaction.commit();
      } else {
        auto result = body(transaction);
        transaction.commit();
        return result;
      }
    });
  }

  // body(nontransaction) for a read that is one statement: no BEGIN and
  // COMMIT round trips for what is atomic anyway.
  template <typename Body>
  auto read(const std::string& what, Body&& body)
      -> std::invoke_result_t<Body&, pqxx::nontransaction&> {
    return run(what, [&](pqxx::connection& connection) {
      pqxx::nontransaction transaction(connection);
      return body(transaction);
    });
  }

  template <typename Body>
  auto with_context(const std::string& what, Body&& body) -> std::invoke_result_t<Body&> {
    try {
      return body();
    } catch (const Error& error) {
      throw error.with_context(what).with_context("job store " + name_);
    }
  }

  // SELECT kJobColumns FROM jobs, then what `rest` writes (WHERE, ORDER
  // BY, LIMIT) with its parameters.
  template <typename Rest>
  std::vector<Job> select_jobs(pqxx::transaction_base& transaction, Rest&& rest) {
    Params params;
    const std::string sql = kSelectJobs + rest(params);
    return postgres::read_jobs(params.exec(transaction, sql));
  }

  const std::string name_;  // postgresql://host:port/db, for messages
  ConnectionPool pool_;
};

}  // namespace

std::unique_ptr<JobStore> make_postgres_job_store(const std::string& url, int connections) {
  return std::make_unique<PostgresJobStore>(url, connections);
}

}  // namespace soundscripter
