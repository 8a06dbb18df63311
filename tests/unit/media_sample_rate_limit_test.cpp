// Source sample rates beyond any real recording are refused: libswresample's
// filter grows with the ratio to 16 kHz, so a WAV header claiming 1 GHz cost
// 20 s and 1.2 GB for a file of 532 bytes (found by fuzz/media_decode_fuzz).
#include <gtest/gtest.h>

#include <cstdint>
#include <fstream>
#include <string>
#include <vector>

#include "media/audio_decoder.hpp"
#include "support/temp_dir.hpp"
#include "util/error.hpp"

namespace soundscripter {
namespace {

using test::TempDir;

// A mono 16-bit PCM WAV of `samples` zero samples at `rate` Hz.
std::string pcm_wav(std::uint32_t rate, std::uint32_t samples) {
  std::string bytes;
  const auto u32 = [&](std::uint32_t v) {
    for (int i = 0; i < 4; ++i) bytes += static_cast<char>((v >> (8 * i)) & 0xFF);
  };
  const auto u16 = [&](std::uint16_t v) {
    bytes += static_cast<char>(v & 0xFF);
    bytes += static_cast<char>(v >> 8);
  };
  bytes += "RIFF";
  u32(36 + samples * 2);
  bytes += "WAVEfmt ";
  u32(16);
  u16(1);         // PCM
  u16(1);         // mono
  u32(rate);
  u32(rate * 2);  // byte rate (wraps for absurd rates, as in the fuzzer's file)
  u16(2);
  u16(16);
  bytes += "data";
  u32(samples * 2);
  bytes.append(samples * 2, '\0');
  return bytes;
}

std::filesystem::path write_file(const TempDir& dir, const std::string& name, const std::string& bytes) {
  const auto path = dir.path() / name;
  std::ofstream(path, std::ios::binary) << bytes;
  return path;
}

TEST(media_sample_rate_limit, ARateAboveTheLimitIsRefusedWhenProbed) {
  TempDir dir;
  const auto path = write_file(dir, "fast.wav", pcm_wav(1075773568, 800));
  try {
    probe_media(path);
    FAIL() << "a 1 GHz WAV was accepted";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::unsupported_media);
    EXPECT_NE(std::string(error.what()).find("1075773568 Hz"), std::string::npos) << error.what();
  }
  EXPECT_THROW(AudioDecoder{path}, Error);
}

TEST(media_sample_rate_limit, TheHighestRealRateStillDecodes) {
  TempDir dir;
  const auto path = write_file(dir, "dxd.wav", pcm_wav(kMaxSourceSampleRate, 7680));  // 10 ms
  EXPECT_EQ(probe_media(path).sample_rate, kMaxSourceSampleRate);
  const std::vector<float> samples = decode_whole_file(path);
  EXPECT_NEAR(static_cast<double>(samples.size()), kSampleRate / 100.0, 8.0);
}

}  // namespace
}  // namespace soundscripter
