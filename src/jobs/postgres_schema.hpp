// The PostgreSQL job store's schema, as numbered migrations applied in order.
//
// The same rules as SQLite's (schema_migrations.hpp), with the version
// kept in a schema_migrations table (one row per applied migration) and
// one difference that matters: many processes open the same database at
// once, so each migration runs in a transaction that first takes a fixed
// advisory lock. The second process waits, then sees the version the
// first one reached and skips what is done; a crash mid-migration rolls
// it back whole. The numbers match SQLite's, so "version 2" means the same
// contract in both stores.
#pragma once

#include <span>
#include <string>

#include "jobs/migration.hpp"

namespace soundscripter::postgres {

// The PostgreSQL job store's migrations, oldest first.
std::span<const Migration> job_store_migrations();

// Connects to `url` and brings its database to the last version of
// `migrations`. Throws Error(backend_unavailable) when it cannot connect
// or the database is newer than them, and the failing migration's error
// (with its number) when one fails.
void apply_migrations(const std::string& url, std::span<const Migration> migrations);

}  // namespace soundscripter::postgres
