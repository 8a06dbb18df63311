// Routes whisper.cpp's, parakeet.cpp's and ggml's log lines to our logger at debug level,
// and keeps the error and warning lines each thread caused, so a failed load
// or run can say why in its own error message.
//
// whisper.cpp has one process-wide log callback; installing ours once and
// keeping the captured lines per thread means two workers loading or running
// at the same time never see each other's lines.
#pragma once

#include <string>
#include <vector>

namespace soundscripter {

// Installs the log callback (once; safe from any thread).
void install_whisper_log();

struct WhisperLogLines {
  std::vector<std::string> errors;
  std::vector<std::string> warnings;

  // The last few error lines joined with "; ", leaving out whisper.cpp's
  // generic "failed to load model" when there is something more telling.
  std::string summary() const;
  bool warned(std::string_view fragment) const;
};

// The lines whisper.cpp logged on this thread since the last call.
WhisperLogLines take_whisper_log();

}  // namespace soundscripter
