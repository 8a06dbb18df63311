// Loads a ggml Parakeet TDT model file into a parakeet_context (weights
// only, no per-run state), refusing files parakeet.cpp would half-accept.
//
// `models check` and the parakeet engine both load through here, as they do
// through whisper_model_file for Whisper models.
#pragma once

#include <filesystem>
#include <memory>

struct parakeet_context;

namespace soundscripter {

struct ParakeetContextDeleter {
  void operator()(parakeet_context* ctx) const;
};
using ParakeetContextPtr = std::unique_ptr<parakeet_context, ParakeetContextDeleter>;

// Whether a Parakeet model with this many vocabulary pieces is English-only:
// v2 and the other English models have 1024 pieces; v3 (25 languages) 8192.
inline bool is_english_only_parakeet(int n_vocab) { return n_vocab <= 1024; }

// Throws Error(not_found) for a missing file and Error(model_invalid), naming
// the file and the cause, for anything else: a Whisper model, not a model,
// cut short inside its weights, holding no weights at all.
ParakeetContextPtr load_parakeet_model(const std::filesystem::path& path, bool use_gpu);

}  // namespace soundscripter
