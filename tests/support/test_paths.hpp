// Where the tests find the built tools and the vendored samples.
#pragma once

#include <filesystem>

namespace soundscripter::test {

inline std::filesystem::path soundscripter_binary() { return SOUNDSCRIPTER_BINARY; }
inline std::filesystem::path make_whisper_model_binary() { return MAKE_WHISPER_MODEL_BINARY; }
inline std::filesystem::path make_parakeet_model_binary() { return MAKE_PARAKEET_MODEL_BINARY; }
inline std::filesystem::path whisper_cli_binary() { return WHISPER_CLI_BINARY; }
// whisper.cpp's reference Parakeet tools, installed next to whisper-cli.
inline std::filesystem::path parakeet_cli_binary() { return PARAKEET_CLI_BINARY; }
inline std::filesystem::path parakeet_quantize_binary() { return PARAKEET_QUANTIZE_BINARY; }
inline std::filesystem::path whisper_quantize_binary() { return WHISPER_QUANTIZE_BINARY; }
// samples/jfk.wav of the whisper.cpp tarball, copied there by scripts/setup.
inline std::filesystem::path jfk_wav() { return std::filesystem::path(WHISPER_SHARE_DIR) / "jfk.wav"; }
inline std::filesystem::path silero_vad_model() {
  return std::filesystem::path(WHISPER_SHARE_DIR) / "for-tests-silero-v6.2.0-ggml.bin";
}
// Media and models made at test time are cached here between test processes.
inline std::filesystem::path test_data_dir() { return TEST_DATA_DIR; }

}  // namespace soundscripter::test
