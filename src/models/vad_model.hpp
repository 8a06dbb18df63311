// Where the Silero VAD model (ggml) that --vad uses is found.
#pragma once

#include <filesystem>
#include <optional>

namespace soundscripter {

// models_dir()/ggml-silero-*.bin if there is one, else the copy scripts/setup
// keeps beside the whisper.cpp build. Nothing when neither exists.
std::optional<std::filesystem::path> default_vad_model();

}  // namespace soundscripter
