// RAII over SQLite's C API: connections, prepared statements, transactions.
//
// Every failure becomes an Error carrying SQLite's own text
// (sqlite3_errmsg) and a code callers can act on: busy -> timeout,
// constraint -> conflict (a missing foreign row -> not_found), I/O and
// open failures -> backend_unavailable. Callers add which file and which
// job; this layer only says what SQLite said.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <sqlite3.h>

namespace soundscripter::sqlite {

struct ConnectionCloser {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
using Connection = std::unique_ptr<sqlite3, ConnectionCloser>;

struct StatementFinalizer {
  void operator()(sqlite3_stmt* statement) const { sqlite3_finalize(statement); }
};
using StatementHandle = std::unique_ptr<sqlite3_stmt, StatementFinalizer>;

// Throws the Error for result code `rc`, with "what: " before SQLite's message.
[[noreturn]] void throw_error(sqlite3* db, int rc, std::string_view what);

// Opens (creating) the database file read-write with extended result codes.
Connection open(const std::string& path);

// Runs SQL without results (several statements allowed: PRAGMAs, DDL).
void exec(sqlite3* db, const std::string& sql);

// A prepared statement in use. Binding indexes start at 1, columns at 0, as
// in SQLite. The destructor resets it so a cached statement can run again
// and releases any lock its read held.
class Statement {
 public:
  Statement(sqlite3* db, sqlite3_stmt* statement) : db_(db), statement_(statement) {}
  ~Statement();
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  Statement& bind(int index, std::string_view text);
  Statement& bind(int index, std::int64_t value);
  Statement& bind(int index, int value) { return bind(index, static_cast<std::int64_t>(value)); }
  Statement& bind(int index, double value);
  Statement& bind(int index, const std::optional<double>& value);
  Statement& bind_null(int index);

  // Advances: true with a row to read, false when done.
  bool step();
  // Steps to the end, for statements without rows.
  void run();

  std::string text(int column) const;
  std::int64_t integer(int column) const;
  double real(int column) const;
  std::optional<double> optional_real(int column) const;

 private:
  void check_bind(int rc);

  sqlite3* db_;
  sqlite3_stmt* statement_;
};

// Prepared statements by SQL text, prepared once (SQLite's persistent flag)
// and reused; not thread-safe, like the connection it belongs to. A
// Statement it returns must not outlive it (the cache finalizes them).
class StatementCache {
 public:
  explicit StatementCache(sqlite3* db) : db_(db) {}
  Statement operator()(const std::string& sql);

 private:
  sqlite3* db_;
  std::map<std::string, StatementHandle, std::less<>> statements_;
};

// BEGIN IMMEDIATE now (so a writer never has to upgrade a read lock and
// hit SQLITE_BUSY mid-transaction); ROLLBACK unless commit() was called.
class Transaction {
 public:
  explicit Transaction(sqlite3* db);
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  void commit();

 private:
  sqlite3* db_;
  bool done_ = false;
};

}  // namespace soundscripter::sqlite
