// What libpqxx's exceptions mean to the rest of SoundScripter.
//
// Each becomes an Error with a code callers act on: a lost or refused
// connection (the server is down or restarting, or out of connection
// slots) is backend_unavailable; a duplicate key is conflict; a missing
// row a foreign key points to is not_found; a lock or statement timeout
// is timeout; anything else is internal. The message is the server's
// first line only: the DETAIL lines that follow may quote a whole row,
// media token included. Callers add which database and which job.
#pragma once

#include <exception>

#include "util/error.hpp"

namespace soundscripter::postgres {

// Whether the failure means the connection is gone, so it must be closed
// rather than used again.
bool connection_lost(const std::exception& failure);

// The Error for a failure from libpqxx; an Error comes back unchanged.
Error to_error(const std::exception& failure);

}  // namespace soundscripter::postgres
