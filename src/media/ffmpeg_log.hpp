// Keeps FFmpeg from printing to stderr and keeps its last complaint for our
// error messages.
//
// FFmpeg reports problems through av_log, not through its return codes: the
// return code says "Invalid data", the log says "[mp3] Header missing". We
// install one process-wide callback that prints nothing and hands each
// warning or error to the FfmpegLog made active on the calling thread, so a
// decoder sees only what its own calls produced, even with several decoders
// running on different threads.
#pragma once

#include <string>

namespace soundscripter {

// Installs the silent callback; cheap to call again.
void silence_ffmpeg_log();

// The messages one decoder's FFmpeg calls produced, kept across calls.
class FfmpegLog {
 public:
  // The most recent error message, or the most recent warning when there was
  // no error; empty when FFmpeg said nothing. One line, no trailing newline.
  std::string last_message() const;

  // " (FFmpeg: <message>)" when FFmpeg said something, else empty: for the
  // end of an error message.
  std::string detail() const;

  void record(int level, std::string line);

 private:
  std::string last_error_;
  std::string last_warning_;
};

// While alive, the FFmpeg messages logged on this thread go to `log`. Scopes
// nest: the innermost one collects, and the outer one is active again after.
class FfmpegLogScope {
 public:
  explicit FfmpegLogScope(FfmpegLog& log);
  ~FfmpegLogScope();
  FfmpegLogScope(const FfmpegLogScope&) = delete;
  FfmpegLogScope& operator=(const FfmpegLogScope&) = delete;

 private:
  FfmpegLog* outer_;
};

}  // namespace soundscripter
