// A minimal RIFF chunk walk; see wav_header.hpp.
#include "media/wav_header.hpp"

#include <cstdint>
#include <cstring>
#include <string_view>

namespace soundscripter {
namespace {

std::uint32_t little_endian_32(std::span<const std::byte> bytes, std::size_t offset) {
  std::uint32_t value = 0;
  for (std::size_t i = 0; i < 4; ++i) {
    value |= static_cast<std::uint32_t>(bytes[offset + i]) << (8 * i);
  }
  return value;
}

bool tag_is(std::span<const std::byte> bytes, std::size_t offset, std::string_view tag) {
  return std::memcmp(bytes.data() + offset, tag.data(), 4) == 0;
}

}  // namespace

std::optional<double> wav_header_seconds(std::span<const std::byte> head) {
  constexpr std::size_t kChunkHeader = 8;
  if (head.size() < 12 || !tag_is(head, 0, "RIFF") || !tag_is(head, 8, "WAVE")) return std::nullopt;
  std::uint32_t byte_rate = 0;
  std::size_t offset = 12;
  while (offset + kChunkHeader <= head.size()) {
    std::uint32_t size = little_endian_32(head, offset + 4);
    if (tag_is(head, offset, "fmt ") && size >= 12 && offset + kChunkHeader + 12 <= head.size()) {
      byte_rate = little_endian_32(head, offset + kChunkHeader + 8);
    }
    if (tag_is(head, offset, "data")) {
      if (byte_rate == 0 || size == 0 || size == 0xFFFFFFFF) return std::nullopt;
      return static_cast<double>(size) / byte_rate;
    }
    // Chunks are padded to an even length.
    offset += kChunkHeader + size + (size & 1);
  }
  return std::nullopt;
}

}  // namespace soundscripter
