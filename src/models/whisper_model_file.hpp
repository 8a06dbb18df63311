// Loads a ggml Whisper model file into a whisper_context (weights only, no
// per-run state), refusing files whisper.cpp itself would half-accept.
//
// Both `models check` and the whisper engine load through here, so the two
// can never disagree about whether a file is a usable model.
#pragma once

#include <filesystem>
#include <memory>

struct whisper_context;

namespace soundscripter {

struct WhisperContextDeleter {
  void operator()(whisper_context* ctx) const;
};
using WhisperContextPtr = std::unique_ptr<whisper_context, WhisperContextDeleter>;

// Throws Error(not_found) for a missing file and Error(model_invalid), naming
// the file and the cause, for anything whisper.cpp cannot use: not a model,
// cut short inside its weights, holding no weights at all.
WhisperContextPtr load_whisper_model(const std::filesystem::path& path, bool use_gpu);

}  // namespace soundscripter
