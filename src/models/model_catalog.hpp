// The Whisper ggml models SoundScripter knows by name, and where they live.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace soundscripter {

struct KnownModel {
  std::string name;        // "tiny", "base.en", "large-v3-turbo", ...
  std::uint64_t size_bytes;// of the ggml file
  std::string sha1;        // as published with whisper.cpp's models
  std::string file_name() const { return "ggml-" + name + ".bin"; }
};

// Every model `soundscripter models fetch` can download, smallest first.
const std::vector<KnownModel>& known_models();
const KnownModel* find_known_model(const std::string& name);

// Where models are stored: $SOUNDSCRIPTER_MODELS_DIR, else
// $XDG_DATA_HOME/soundscripter/models, else ~/.local/share/soundscripter/models.
std::filesystem::path models_dir();

// A model name ("base.en") or a path to a file. Names resolve to
// models_dir()/ggml-NAME.bin. Returns nothing when no such file exists.
std::optional<std::filesystem::path> resolve_model(const std::string& name_or_path);

// The model used when none is named: the first installed one of
// base.en, base, small.en, small, tiny.en, tiny, then any ggml-*.bin in models_dir().
std::optional<std::filesystem::path> default_model();

}  // namespace soundscripter
