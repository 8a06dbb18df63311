// One numbered step of a job store's schema, for either backend (SQLite's
// in schema_migrations.cpp, PostgreSQL's in postgres_schema.cpp).
#pragma once

namespace soundscripter {

struct Migration {
  int version;              // 1, 2, 3, ... with no gaps
  const char* description;  // for the error when it fails
  const char* sql;
};

}  // namespace soundscripter
