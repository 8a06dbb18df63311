// The catalog of downloadable Whisper models and the rules for finding an
// installed one.
//
// Sizes and SHA-1 sums are those published for the files on
// huggingface.co/ggerganov/whisper.cpp (whisper.cpp's models/README.md lists
// the SHA-1s); a fetch is only put in place when both match. Quantized
// variants are listed only where a SHA-1 is published for them.
#include "models/model_catalog.hpp"


#include <algorithm>
#include <array>
#include <cstdlib>
#include <system_error>

#include "util/environment.hpp"

namespace soundscripter {
namespace {

namespace fs = std::filesystem;

bool is_existing_file(const fs::path& path) {
  std::error_code ignored;
  return fs::is_regular_file(path, ignored);
}

// A path rather than a name: it names a directory or a file extension,
// which no model name does.
bool looks_like_path(const std::string& name_or_path) {
  return name_or_path.find('/') != std::string::npos ||
         fs::path(name_or_path).extension() == ".bin";
}

}  // namespace

const std::vector<KnownModel>& known_models() {
  static const std::vector<KnownModel> models = {
      {"tiny", 77691713, "bd577a113a864445d4c299885e0cb97d4ba92b5f"},
      {"tiny.en", 77704715, "c78c86eb1a8faa21b369bcd33207cc90d64ae9df"},
      {"base", 147951465, "465707469ff3a37a2b9b8d8f89f2f99de7299dac"},
      {"base.en", 147964211, "137c40403d78fd54d454da0f9bd998f78703390c"},
      {"small", 487601967, "55356645c2b361a969dfd0ef2c5a50d530afd8d5"},
      {"small.en", 487614201, "db8a495a91d927739e50b3fc1cc4c6b8f6c2d022"},
      {"large-v3-turbo-q5_0", 574041195, "e050f7970618a659205450ad97eb95a18d69c9ee"},
      {"large-v2-q5_0", 1080732091, "00e39f2196344e901b3a2bd5814807a769bd1630"},
      {"large-v3-q5_0", 1081140203, "e6e2ed78495d403bef4b7cff42ef4aaadcfea8de"},
      {"medium", 1533763059, "fd9727b6e1217c2f614f9b698455c4ffd82463b4"},
      {"medium.en", 1533774781, "8c30f0e44ce9560643ebd10bbe50cd20eafd3723"},
      {"large-v3-turbo", 1624555275, "4af2b29d7ec73d781377bfd1758ca957a807e941"},
      {"large-v1", 3094623691, "b1caaf735c4cc1429223d5a74f0f4d0b9b59a299"},
      {"large-v2", 3094623691, "0f4c8e34f21cf1a914c59d8b3ce882345ad349d6"},
      {"large-v3", 3095033483, "ad82bf6a9043ceed055076d0fd39f5f186ff8062"},
  };
  return models;
}

const KnownModel* find_known_model(const std::string& name) {
  const auto& models = known_models();
  auto it = std::find_if(models.begin(), models.end(),
                         [&](const KnownModel& model) { return model.name == name; });
  return it == models.end() ? nullptr : &*it;
}

fs::path models_dir() {
  const Environment environment = process_environment();
  if (auto dir = environment_value(environment, "SOUNDSCRIPTER_MODELS_DIR"); !dir.empty()) return dir;
  return user_data_home(environment) / "soundscripter" / "models";
}

std::optional<fs::path> resolve_model(const std::string& name_or_path) {
  if (name_or_path.empty()) return std::nullopt;
  if (looks_like_path(name_or_path)) {
    if (is_existing_file(name_or_path)) return fs::path(name_or_path);
    // "ggml-base.en.bin" with no directory: the file name inside models_dir().
    if (name_or_path.find('/') == std::string::npos) {
      fs::path installed = models_dir() / name_or_path;
      if (is_existing_file(installed)) return installed;
    }
    return std::nullopt;
  }
  fs::path installed = models_dir() / ("ggml-" + name_or_path + ".bin");
  if (is_existing_file(installed)) return installed;
  // A model file in the current directory without a .bin extension.
  if (is_existing_file(name_or_path)) return fs::path(name_or_path);
  return std::nullopt;
}

std::optional<fs::path> default_model() {
  // English-only models first: they are more accurate on English at the
  // same size, and base is the smallest that transcribes well.
  static constexpr std::array preferred = {"base.en", "base", "small.en", "small", "tiny.en", "tiny"};
  const fs::path dir = models_dir();
  for (const char* name : preferred) {
    fs::path candidate = dir / (std::string("ggml-") + name + ".bin");
    if (is_existing_file(candidate)) return candidate;
  }
  // Any other installed model, the first by name so the choice is stable.
  std::vector<fs::path> others;
  std::error_code error;
  for (fs::directory_iterator it(dir, error), end; !error && it != end; it.increment(error)) {
    const std::string file_name = it->path().filename().string();
    if (file_name.starts_with("ggml-") && file_name.ends_with(".bin") && is_existing_file(it->path())) {
      others.push_back(it->path());
    }
  }
  if (others.empty()) return std::nullopt;
  return *std::min_element(others.begin(), others.end());
}

}  // namespace soundscripter
