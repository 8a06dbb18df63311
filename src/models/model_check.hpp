// Loads a ggml Whisper or Parakeet model file and reports its shape: what
// `soundscripter models check FILE` prints.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

#include "models/model_family.hpp"

namespace soundscripter {

struct ModelShape {
  ModelFamily family = ModelFamily::whisper;
  std::string type;          // whisper.cpp's name for it: "tiny", "base", ...; "Parakeet TDT"
  bool multilingual = false;
  int n_vocab = 0;
  int n_audio_ctx = 0, n_audio_state = 0, n_audio_head = 0, n_audio_layer = 0;
  int n_text_ctx = 0, n_text_state = 0, n_text_head = 0, n_text_layer = 0;  // Whisper only
  int n_mels = 0;
  int ftype = 0;
  std::uintmax_t file_size = 0;
};

// Throws Error(not_found) for a missing file, Error(model_invalid) for one
// its engine cannot load.
ModelShape inspect_model(const std::filesystem::path& path);

}  // namespace soundscripter
