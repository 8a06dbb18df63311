// The ggml models (Whisper and Parakeet) SoundScripter knows by name, and
// where they live.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "models/model_family.hpp"

namespace soundscripter {

struct KnownModel {
  std::string name;          // "tiny", "base.en", "parakeet-tdt-0.6b-v3-f16", ...
  std::uint64_t size_bytes;  // of the ggml file; 0 where none is published
  std::string sha1;          // as published with whisper.cpp's models
  std::string sha256 = {};   // as published for the Parakeet files
  ModelFamily family = ModelFamily::whisper;
  std::string repository = "ggerganov/whisper.cpp";  // on huggingface.co

  std::string file_name() const { return "ggml-" + name + ".bin"; }
  bool has_checksum() const { return !sha1.empty() || !sha256.empty(); }
};

// Every model `soundscripter models fetch` can download: Whisper's smallest
// first, then Parakeet's, the full-precision file of each first.
const std::vector<KnownModel>& known_models();
// By name; a name without its precision ("parakeet-tdt-0.6b-v3") means the
// first of its variants in the catalog (-f16, then the quantized ones).
const KnownModel* find_known_model(const std::string& name);

// Where models are stored: $SOUNDSCRIPTER_MODELS_DIR, else
// $XDG_DATA_HOME/soundscripter/models, else ~/.local/share/soundscripter/models.
std::filesystem::path models_dir();

// Every ggml-*.bin in models_dir(), by file name.
std::vector<std::filesystem::path> installed_model_files();
// "base.en" for ggml-base.en.bin.
std::string model_name_of(const std::filesystem::path& file);

// The file in models_dir() a name stands for: ggml-NAME.bin, else the first
// installed variant of NAME; never a path elsewhere.
std::optional<std::filesystem::path> installed_model_named(const std::string& name);

// A model name ("base.en") or a path to a file. Names resolve to
// models_dir()/ggml-NAME.bin; a name without its precision to the first of
// its variants installed. Returns nothing when no such file exists.
std::optional<std::filesystem::path> resolve_model(const std::string& name_or_path);

// The model used when none is named. Whisper: the first installed one of
// base.en, base, small.en, small, tiny.en, tiny, then any other Whisper
// ggml-*.bin in models_dir(). Parakeet: the first installed catalog entry,
// then any other Parakeet ggml-*.bin.
std::optional<std::filesystem::path> default_model(ModelFamily family = ModelFamily::whisper);

}  // namespace soundscripter
