#include "util/error.hpp"

namespace soundscripter {

std::string_view to_string(ErrorCode code) {
  switch (code) {
    case ErrorCode::invalid_argument: return "invalid_argument";
    case ErrorCode::not_found: return "not_found";
    case ErrorCode::empty_input: return "empty_input";
    case ErrorCode::unsupported_media: return "unsupported_media";
    case ErrorCode::no_audio_stream: return "no_audio_stream";
    case ErrorCode::corrupt_media: return "corrupt_media";
    case ErrorCode::model_invalid: return "model_invalid";
    case ErrorCode::engine_failed: return "engine_failed";
    case ErrorCode::too_large: return "too_large";
    case ErrorCode::unauthorized: return "unauthorized";
    case ErrorCode::conflict: return "conflict";
    case ErrorCode::backend_unavailable: return "backend_unavailable";
    case ErrorCode::insufficient_storage: return "insufficient_storage";
    case ErrorCode::rate_limited: return "rate_limited";
    case ErrorCode::timeout: return "timeout";
    case ErrorCode::cancelled: return "cancelled";
    case ErrorCode::internal: return "internal";
  }
  return "internal";
}

std::string Error::without_nul(const std::string& message) {
  if (message.find('\0') == std::string::npos) return message;
  std::string out;
  for (char c : message) {
    if (c == '\0') out += "\\0";
    else out += c;
  }
  return out;
}

Error Error::with_context(std::string_view context) const {
  return Error(code_, std::string(context) + ": " + what());
}

}  // namespace soundscripter
