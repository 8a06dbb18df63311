#include "api/error_status.hpp"

namespace soundscripter {

int http_status_for(ErrorCode code) {
  switch (code) {
    case ErrorCode::invalid_argument: return 400;
    case ErrorCode::empty_input: return 400;
    case ErrorCode::model_invalid: return 400;
    case ErrorCode::unauthorized: return 401;
    case ErrorCode::not_found: return 404;
    case ErrorCode::conflict: return 409;
    case ErrorCode::cancelled: return 409;
    case ErrorCode::too_large: return 413;
    case ErrorCode::rate_limited: return 429;
    case ErrorCode::unsupported_media: return 415;
    case ErrorCode::no_audio_stream: return 415;
    case ErrorCode::corrupt_media: return 415;
    case ErrorCode::engine_failed: return 500;
    case ErrorCode::internal: return 500;
    case ErrorCode::backend_unavailable: return 503;
    case ErrorCode::insufficient_storage: return 507;
    case ErrorCode::timeout: return 504;
  }
  return 500;
}

HttpResponse error_response(const Error& error) {
  if (error.code() == ErrorCode::insufficient_storage) {
    // Said plainly: the underlying message names the server's own paths.
    return error_response(507, "insufficient_storage",
                          "the server's disk is full: nothing was stored; try again later");
  }
  HttpResponse response =
      error_response(http_status_for(error.code()), std::string(to_string(error.code())), error.what());
  // Over a share that frees as jobs finish: a client that backs off for a
  // while usually gets in.
  if (error.code() == ErrorCode::rate_limited) response.headers.emplace_back("Retry-After", "30");
  return response;
}

}  // namespace soundscripter
