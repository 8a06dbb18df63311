#include "models/model_family.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <fstream>

#include "models/parakeet_model_file.hpp"

namespace soundscripter {
namespace {

constexpr std::uint32_t kGgmlMagic = 0x67676d6c;
constexpr int kWhisperHparams = 11;   // n_vocab .. ftype; n_mels is the 10th
constexpr int kWhisperMelsAt = 9;
constexpr int kWhisperFilterBins = 201;  // n_fft 400
constexpr int kParakeetHparams = 15;  // n_vocab .. n_max_tokens
constexpr int kParakeetMelsAt = 5;
constexpr int kParakeetFftAt = 7;

}  // namespace

std::string_view to_string(ModelFamily family) {
  switch (family) {
    case ModelFamily::whisper: return "whisper";
    case ModelFamily::parakeet: return "parakeet";
    case ModelFamily::unknown: break;
  }
  return "unknown";
}

ModelFamily sniff_model_family(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::uint32_t magic = 0;
  std::array<std::int32_t, kParakeetHparams + 2> header{};
  in.read(reinterpret_cast<char*>(&magic), sizeof magic);
  if (!in || magic != kGgmlMagic) return ModelFamily::unknown;
  in.read(reinterpret_cast<char*>(header.data()), sizeof header);
  const auto fields = static_cast<std::size_t>(in.gcount()) / sizeof(std::int32_t);
  const int parakeet_mels = header[kParakeetMelsAt];
  if (fields >= kParakeetHparams + 2 && parakeet_mels > 0 && header[kParakeetHparams] == parakeet_mels &&
      header[kParakeetHparams + 1] == header[kParakeetFftAt] / 2 + 1) {
    return ModelFamily::parakeet;
  }
  const int whisper_mels = header[kWhisperMelsAt];
  if (fields >= kWhisperHparams + 2 && whisper_mels > 0 && header[kWhisperHparams] == whisper_mels &&
      header[kWhisperHparams + 1] == kWhisperFilterBins) {
    return ModelFamily::whisper;
  }
  return ModelFamily::unknown;
}

ModelLanguages read_model_languages(const std::filesystem::path& path) {
  ModelLanguages languages;
  languages.family = sniff_model_family(path);
  if (languages.family == ModelFamily::unknown) return languages;
  std::ifstream in(path, std::ios::binary);
  std::uint32_t magic = 0;
  in.read(reinterpret_cast<char*>(&magic), sizeof magic);
  in.read(reinterpret_cast<char*>(&languages.n_vocab), sizeof languages.n_vocab);  // the first hyperparameter of both
  constexpr int kWhisperMultilingualVocab = 51865;
  languages.multilingual = languages.family == ModelFamily::whisper ? languages.n_vocab >= kWhisperMultilingualVocab
                                                                    : !is_english_only_parakeet(languages.n_vocab);
  return languages;
}

}  // namespace soundscripter
