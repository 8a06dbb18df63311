// The one place where error codes become HTTP statuses.
#pragma once

#include "api/http_types.hpp"
#include "util/error.hpp"

namespace soundscripter {

int http_status_for(ErrorCode code);

// {"error": {"code": "unsupported_media", "message": "..."}} with its status.
HttpResponse error_response(const Error& error);

}  // namespace soundscripter
