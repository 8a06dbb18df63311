#include "models/vad_model.hpp"

#include "models/model_catalog.hpp"

namespace soundscripter {

std::optional<std::filesystem::path> default_vad_model() {
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(models_dir(), ec)) {
    const std::string name = entry.path().filename().string();
    if (name.starts_with("ggml-silero") && name.ends_with(".bin")) return entry.path();
  }
  std::filesystem::path bundled = SOUNDSCRIPTER_BUNDLED_VAD_MODEL;
  if (std::filesystem::is_regular_file(bundled, ec)) return bundled;
  return std::nullopt;
}

}  // namespace soundscripter
