// Routes whisper.cpp's and ggml's log lines to our logger at debug level,
// and keeps the last error lines so a failed load can say why.
#pragma once

#include <string>

namespace soundscripter {

// Installs the log callback once; safe to call from any thread.
void install_whisper_log();

// The error lines whisper.cpp logged on this thread since the last call.
std::string take_whisper_errors();

}  // namespace soundscripter
