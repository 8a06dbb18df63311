// Error: the one exception type SoundScripter's library code throws.
//
// It carries a code that callers branch on (the CLI maps it to an exit line,
// the API to an HTTP status) and a message written for the person who reads it.
// Context is prepended as the error rises ("jfk.mp3: decode: ..."), so the
// lowest layer only says what went wrong and each caller says where.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>

namespace soundscripter {

enum class ErrorCode {
  invalid_argument,   // a bad option or parameter value
  not_found,          // a file, model or job that does not exist
  empty_input,        // a file of zero bytes
  unsupported_media,  // not a media file FFmpeg can read
  no_audio_stream,    // media without any audio track
  corrupt_media,      // media that starts well but has no decodable audio
  model_invalid,      // a model file that is not a usable model
  engine_failed,      // the speech engine reported a failure
  too_large,          // an upload or field over its size limit
  unauthorized,       // a missing or wrong API key
  conflict,           // the request does not fit the job's state (retry a running job)
  backend_unavailable,// a server or network resource could not be reached
  insufficient_storage,  // the disk (uploads, media, the database) is full
  rate_limited,       // a caller over its share (queued jobs per API key)
  timeout,
  cancelled,
  internal,
};

// The stable, machine-readable name of a code ("unsupported_media").
std::string_view to_string(ErrorCode code);

class Error : public std::runtime_error {
 public:
  // A NUL byte in the message (from a file name, say) is written as "\0":
  // what() is read up to the first NUL, and the rest would be lost.
  Error(ErrorCode code, const std::string& message)
      : std::runtime_error(without_nul(message)), code_(code) {}

  ErrorCode code() const { return code_; }

  // The same error with "context: " in front of its message.
  Error with_context(std::string_view context) const;

 private:
  static std::string without_nul(const std::string& message);

  ErrorCode code_;
};

}  // namespace soundscripter
