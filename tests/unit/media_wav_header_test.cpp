// wav_header_seconds: the length a WAV header claims, read from its chunks.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "media/wav_header.hpp"

namespace soundscripter {
namespace {

class WavBytes {
 public:
  WavBytes& tag(const std::string& four) {
    for (char c : four) bytes_.push_back(static_cast<std::byte>(c));
    return *this;
  }
  WavBytes& u32(std::uint32_t value) {
    for (int i = 0; i < 4; ++i) bytes_.push_back(static_cast<std::byte>((value >> (8 * i)) & 0xFF));
    return *this;
  }
  WavBytes& zeros(std::size_t count) {
    bytes_.insert(bytes_.end(), count, std::byte{0});
    return *this;
  }
  // The 16-byte PCM "fmt " body: only the byte rate at offset 8 matters here.
  WavBytes& fmt(std::uint32_t byte_rate) {
    tag("fmt ").u32(16);
    zeros(8).u32(byte_rate).zeros(4);
    return *this;
  }
  const std::vector<std::byte>& bytes() const { return bytes_; }

 private:
  std::vector<std::byte> bytes_;
};

TEST(media_wav_header, DataSizeOverByteRateIsTheClaimedLength) {
  WavBytes wav;
  wav.tag("RIFF").u32(0).tag("WAVE").fmt(32000).tag("data").u32(19200000);
  ASSERT_TRUE(wav_header_seconds(wav.bytes()).has_value());
  EXPECT_DOUBLE_EQ(*wav_header_seconds(wav.bytes()), 600.0);
}

TEST(media_wav_header, SkipsChunksBeforeTheData) {
  WavBytes wav;
  // An odd-sized LIST chunk is padded to an even length.
  wav.tag("RIFF").u32(0).tag("WAVE").fmt(32000).tag("LIST").u32(5).zeros(6).tag("data").u32(64000);
  EXPECT_DOUBLE_EQ(wav_header_seconds(wav.bytes()).value_or(-1), 2.0);
}

TEST(media_wav_header, UnknownLengthMarkersClaimNothing) {
  for (std::uint32_t marker : {0u, 0xFFFFFFFFu}) {
    WavBytes wav;
    wav.tag("RIFF").u32(0).tag("WAVE").fmt(32000).tag("data").u32(marker);
    EXPECT_FALSE(wav_header_seconds(wav.bytes()).has_value()) << marker;
  }
}

TEST(media_wav_header, NotAWavOrCutShortClaimsNothing) {
  WavBytes not_wav;
  not_wav.tag("RIFF").u32(0).tag("AVI ").fmt(32000).tag("data").u32(100);
  EXPECT_FALSE(wav_header_seconds(not_wav.bytes()).has_value());
  WavBytes cut;
  cut.tag("RIFF").u32(0).tag("WAVE").tag("fmt ").u32(16);
  EXPECT_FALSE(wav_header_seconds(cut.bytes()).has_value());
  EXPECT_FALSE(wav_header_seconds({}).has_value());
}

}  // namespace
}  // namespace soundscripter
