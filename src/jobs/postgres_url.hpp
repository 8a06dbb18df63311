// How the PostgreSQL store names its database in errors and logs.
#pragma once

#include <string>

namespace soundscripter::postgres {

// "postgresql://HOST:PORT/DBNAME" for a libpq URL or key=value string,
// without the user, the password or any other parameter, so it can go
// into every error message. Throws Error(invalid_argument) when libpq
// cannot parse it (the message does not repeat it: it may hold a password).
std::string url_for_messages(const std::string& url);

}  // namespace soundscripter::postgres
