// The catalog of downloadable models and the rules for finding an installed
// one.
//
// Whisper: sizes and SHA-1 sums are those published for the files on
// huggingface.co/ggerganov/whisper.cpp (whisper.cpp's models/README.md lists
// the SHA-1s); quantized variants are listed only where a SHA-1 is published.
//
// Parakeet: the ggml files converted for whisper.cpp's parakeet.cpp, on
// huggingface.co/ggml-org/parakeet-GGUF (v3, 25 languages). Their SHA-256
// sums and sizes are as quoted by projects that pin them; the repository
// publishes no list of its own. Where no sum is known the size is checked
// alone and `models fetch` says so.
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

KnownModel parakeet(std::string name, std::uint64_t size_bytes, std::string sha256) {
  return {std::move(name), size_bytes, "", std::move(sha256), ModelFamily::parakeet, "ggml-org/parakeet-GGUF"};
}

// The precisions a name may leave out, in the order they are preferred.
constexpr std::array kPrecisionSuffixes = {"-f16", "-q8_0", "-q5_0", "-q5_1", "-q4_k", "-q4_0"};

// The catalog entries a name stands for: itself, or its variants.
std::vector<const KnownModel*> models_named(const std::string& name) {
  std::vector<const KnownModel*> found;
  auto add = [&](const std::string& candidate) {
    for (const auto& model : known_models()) {
      if (model.name == candidate) found.push_back(&model);
    }
  };
  add(name);
  if (found.empty()) {
    for (const char* suffix : kPrecisionSuffixes) add(name + suffix);
  }
  return found;
}

std::vector<fs::path> installed_model_files(const fs::path& dir) {
  std::vector<fs::path> files;
  std::error_code error;
  for (fs::directory_iterator it(dir, error), end; !error && it != end; it.increment(error)) {
    const std::string file_name = it->path().filename().string();
    if (file_name.starts_with("ggml-") && file_name.ends_with(".bin") && is_existing_file(it->path())) {
      files.push_back(it->path());
    }
  }
  std::sort(files.begin(), files.end());  // so the choice is stable
  return files;
}

}  // namespace

std::vector<fs::path> installed_model_files() { return installed_model_files(models_dir()); }

std::string model_name_of(const fs::path& file) {
  std::string name = file.filename().string();
  if (name.starts_with("ggml-")) name.erase(0, 5);
  if (name.ends_with(".bin")) name.erase(name.size() - 4);
  return name;
}

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
      parakeet("parakeet-tdt-0.6b-v3-f16", 1255897319,
               "833bffc9513b2cae867ee9e51633cfd11e4d51aaa5597c8ac02159385a2b426f"),
      parakeet("parakeet-tdt-0.6b-v3-q8_0", 668757119,
               "4d64e9e96c2792186d072fde0034df0ad670cf680a2f53069052ead827fd600e"),
      parakeet("parakeet-tdt-0.6b-v3-q4_k", 0,
               "8b205b8b39c6535e153de6fb11c51db46125d45c4f16ba496fe41a0fe71b885e"),
      parakeet("parakeet-tdt-0.6b-v3-q4_0", 355615679, ""),
  };
  return models;
}

const KnownModel* find_known_model(const std::string& name) {
  const auto found = models_named(name);
  return found.empty() ? nullptr : found.front();
}

fs::path models_dir() {
  const Environment environment = process_environment();
  if (auto dir = environment_value(environment, "SOUNDSCRIPTER_MODELS_DIR"); !dir.empty()) return dir;
  return user_data_home(environment) / "soundscripter" / "models";
}

std::optional<fs::path> installed_model_named(const std::string& name) {
  const fs::path dir = models_dir();
  fs::path installed = dir / ("ggml-" + name + ".bin");
  if (is_existing_file(installed)) return installed;
  for (const KnownModel* variant : models_named(name)) {
    if (is_existing_file(dir / variant->file_name())) return dir / variant->file_name();
  }
  return std::nullopt;
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
  if (auto installed = installed_model_named(name_or_path)) return installed;
  // A model file in the current directory without a .bin extension.
  if (is_existing_file(name_or_path)) return fs::path(name_or_path);
  return std::nullopt;
}

std::optional<fs::path> default_model(ModelFamily family) {
  const fs::path dir = models_dir();
  if (family == ModelFamily::whisper) {
    // English-only models first: they are more accurate on English at the
    // same size, and base is the smallest that transcribes well.
    for (const char* name : {"base.en", "base", "small.en", "small", "tiny.en", "tiny"}) {
      fs::path candidate = dir / (std::string("ggml-") + name + ".bin");
      if (is_existing_file(candidate)) return candidate;
    }
  } else {
    for (const auto& model : known_models()) {
      if (model.family == family && is_existing_file(dir / model.file_name())) return dir / model.file_name();
    }
  }
  // Any other installed model of the family, the first by name. A file of
  // no known family counts as Whisper's, whose loader says what is wrong.
  for (const fs::path& file : installed_model_files(dir)) {
    const ModelFamily found = sniff_model_family(file);
    if (found == family || (family == ModelFamily::whisper && found == ModelFamily::unknown)) return file;
  }
  return std::nullopt;
}

}  // namespace soundscripter
