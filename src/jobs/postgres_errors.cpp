// Mapping libpqxx exceptions and SQLSTATEs to Error (see postgres_errors.hpp).
#include "jobs/postgres_errors.hpp"

#include <string>
#include <string_view>

#include <pqxx/pqxx>

namespace soundscripter::postgres {
namespace {

// SQLSTATEs that mean the session is over even though the error came as
// an ordinary one: class 08 (connection exception), and the server
// shutting down or starting up (57P01..57P03).
bool ends_session(std::string_view state) {
  return state.starts_with("08") || state == "57P01" || state == "57P02" || state == "57P03";
}

ErrorCode code_for_sqlstate(std::string_view state) {
  if (ends_session(state)) return ErrorCode::backend_unavailable;
  if (state == "23503") return ErrorCode::not_found;  // foreign_key_violation
  if (state.starts_with("23")) return ErrorCode::conflict;  // unique, check, not null
  if (state == "53100") return ErrorCode::insufficient_storage;  // disk_full
  if (state.starts_with("53")) return ErrorCode::backend_unavailable;  // out of memory, slots
  if (state == "57014" || state == "55P03") return ErrorCode::timeout;  // statement, lock timeout
  if (state.starts_with("40")) return ErrorCode::timeout;  // deadlock, serialization: busy
  return ErrorCode::internal;
}

// "ERROR:  duplicate key value ...\nDETAIL:  Key (id)=(j_1) ...\n" becomes
// "duplicate key value ...".
std::string first_line(std::string_view message) {
  message = message.substr(0, message.find('\n'));
  for (std::string_view severity : {"ERROR:  ", "FATAL:  ", "PANIC:  "}) {
    if (message.starts_with(severity)) message.remove_prefix(severity.size());
  }
  while (!message.empty() && (message.back() == ' ' || message.back() == '\r')) {
    message.remove_suffix(1);
  }
  return std::string(message.empty() ? "connection lost" : message);
}

}  // namespace

bool connection_lost(const std::exception& failure) {
  if (dynamic_cast<const pqxx::broken_connection*>(&failure)) return true;
  if (dynamic_cast<const pqxx::in_doubt_error*>(&failure)) return true;
  if (const auto* sql = dynamic_cast<const pqxx::sql_error*>(&failure)) {
    return ends_session(sql->sqlstate());
  }
  return false;
}

Error to_error(const std::exception& failure) {
  if (const auto* error = dynamic_cast<const Error*>(&failure)) return *error;
  const std::string message = first_line(failure.what());
  if (dynamic_cast<const pqxx::in_doubt_error*>(&failure)) {
    // The commit went out but its answer never came back.
    return Error(ErrorCode::backend_unavailable,
                 "connection lost while committing, so the change may or may not be saved: " +
                     message);
  }
  if (dynamic_cast<const pqxx::broken_connection*>(&failure)) {
    return Error(ErrorCode::backend_unavailable, message);
  }
  if (const auto* sql = dynamic_cast<const pqxx::sql_error*>(&failure)) {
    return Error(code_for_sqlstate(sql->sqlstate()), message);
  }
  return Error(ErrorCode::internal, message);
}

}  // namespace soundscripter::postgres
