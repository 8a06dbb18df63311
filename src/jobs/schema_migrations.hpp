// The job store's schema, as numbered migrations applied in order.
//
// The version a database has reached is SQLite's `PRAGMA user_version`, so
// opening a file runs only the migrations it has not seen, each in its own
// transaction together with the version bump: a crash mid-migration leaves
// the previous version, never half of one. A file from a newer SoundScripter
// (a version above the last migration) is refused rather than guessed at.
// Add a migration by appending to the list in schema_migrations.cpp; never
// edit one that has shipped.
#pragma once

#include <span>
#include <string>

#include <sqlite3.h>

#include "jobs/migration.hpp"

namespace soundscripter {

// The job store's migrations, oldest first.
std::span<const Migration> job_store_migrations();

// Brings the database to the last version of `migrations`. Throws
// Error(backend_unavailable) when the file is newer than them, and the
// failing migration's error (with its number) when one fails.
void apply_migrations(sqlite3* db, std::span<const Migration> migrations);

// The database's `PRAGMA user_version`.
int schema_version(sqlite3* db);

}  // namespace soundscripter
