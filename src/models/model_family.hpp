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

}  // namespace soundscripter
