// SQLite result codes turned into Errors, and the statement helpers of
// sqlite_handles.hpp.
#include "jobs/sqlite_handles.hpp"

#include "util/error.hpp"

namespace soundscripter::sqlite {
namespace {

ErrorCode error_code_for(int rc) {
  if (rc == SQLITE_CONSTRAINT_FOREIGNKEY) return ErrorCode::not_found;
  switch (rc & 0xff) {  // the primary code of an extended one
    case SQLITE_BUSY:
    case SQLITE_LOCKED: return ErrorCode::timeout;
    case SQLITE_CONSTRAINT: return ErrorCode::conflict;
    case SQLITE_FULL: return ErrorCode::insufficient_storage;
    case SQLITE_CANTOPEN:
    case SQLITE_IOERR:
    case SQLITE_READONLY:
    case SQLITE_PERM:
    case SQLITE_NOTADB:
    case SQLITE_CORRUPT: return ErrorCode::backend_unavailable;
    default: return ErrorCode::internal;
  }
}

}  // namespace

void throw_error(sqlite3* db, int rc, std::string_view what) {
  // sqlite3_errmsg describes the connection's last failure, which is this
  // one as long as the caller holds the connection alone (the stores do).
  std::string message = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  throw Error(error_code_for(rc), std::string(what) + ": " + message);
}

Connection open(const std::string& path) {
  sqlite3* raw = nullptr;
  // NOMUTEX: callers serialise use of a connection themselves.
  const int rc = sqlite3_open_v2(path.c_str(), &raw,
                                 SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                                 nullptr);
  Connection db(raw);  // closed on every path, even a failed open
  if (rc != SQLITE_OK) throw_error(db.get(), rc, "open");
  sqlite3_extended_result_codes(db.get(), 1);
  return db;
}

void exec(sqlite3* db, const std::string& sql) {
  const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) throw_error(db, rc, "exec");
}

Statement::~Statement() {
  sqlite3_reset(statement_);
  sqlite3_clear_bindings(statement_);
}

void Statement::check_bind(int rc) {
  if (rc != SQLITE_OK) throw_error(db_, rc, "bind");
}

Statement& Statement::bind(int index, std::string_view text) {
  check_bind(sqlite3_bind_text(statement_, index, text.data(), static_cast<int>(text.size()),
                               SQLITE_TRANSIENT));
  return *this;
}

Statement& Statement::bind(int index, std::int64_t value) {
  check_bind(sqlite3_bind_int64(statement_, index, value));
  return *this;
}

Statement& Statement::bind(int index, double value) {
  check_bind(sqlite3_bind_double(statement_, index, value));
  return *this;
}

Statement& Statement::bind(int index, const std::optional<double>& value) {
  return value ? bind(index, *value) : bind_null(index);
}

Statement& Statement::bind_null(int index) {
  check_bind(sqlite3_bind_null(statement_, index));
  return *this;
}

bool Statement::step() {
  const int rc = sqlite3_step(statement_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  throw_error(db_, rc, "step");
}

void Statement::run() {
  while (step()) {
  }
}

std::string Statement::text(int column) const {
  const auto* bytes = sqlite3_column_text(statement_, column);
  if (!bytes) return {};
  return std::string(reinterpret_cast<const char*>(bytes),
                     static_cast<std::size_t>(sqlite3_column_bytes(statement_, column)));
}

std::int64_t Statement::integer(int column) const {
  return sqlite3_column_int64(statement_, column);
}

double Statement::real(int column) const { return sqlite3_column_double(statement_, column); }

std::optional<double> Statement::optional_real(int column) const {
  if (sqlite3_column_type(statement_, column) == SQLITE_NULL) return std::nullopt;
  return real(column);
}

Statement StatementCache::operator()(const std::string& sql) {
  auto found = statements_.find(sql);
  if (found == statements_.end()) {
    sqlite3_stmt* raw = nullptr;
    const int rc = sqlite3_prepare_v3(db_, sql.c_str(), static_cast<int>(sql.size()),
                                      SQLITE_PREPARE_PERSISTENT, &raw, nullptr);
    StatementHandle statement(raw);
    if (rc != SQLITE_OK) throw_error(db_, rc, "prepare");
    found = statements_.emplace(sql, std::move(statement)).first;
  }
  return Statement(db_, found->second.get());
}

Transaction::Transaction(sqlite3* db) : db_(db) { exec(db_, "BEGIN IMMEDIATE"); }

Transaction::~Transaction() {
  if (!done_) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
}

void Transaction::commit() {
  exec(db_, "COMMIT");
  done_ = true;
}

}  // namespace soundscripter::sqlite
