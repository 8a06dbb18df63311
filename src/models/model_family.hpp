// Which engine a ggml model file is for, read off its header.
//
// Whisper and Parakeet files share the "ggml" magic and differ only in what
// follows: Whisper's 11 hyperparameters, then its mel filters (n_mels, 201
// bins); Parakeet's 15, then its mel filters (n_mels, n_fft/2 + 1 bins).
// Where the filters' header sits tells them apart without loading anything.
#pragma once

#include <filesystem>
#include <string_view>

namespace soundscripter {

enum class ModelFamily { whisper, parakeet, unknown };

std::string_view to_string(ModelFamily family);

// unknown for a file that is neither (or cannot be read).
ModelFamily sniff_model_family(const std::filesystem::path& path);

// What the header says about the languages a model knows, without loading
// it. Whisper is multilingual from 51865 tokens (whisper.cpp's own rule);
// Parakeet is English-only up to 1024 pieces (v2), multilingual above (v3).
struct ModelLanguages {
  ModelFamily family = ModelFamily::unknown;
  int n_vocab = 0;
  bool multilingual = false;
};
ModelLanguages read_model_languages(const std::filesystem::path& path);

}  // namespace soundscripter
