// Magic numbers of the containers people upload most; see container_sniff.hpp.
#include "media/container_sniff.hpp"

#include <array>
#include <cstring>

namespace soundscripter {
namespace {

bool starts_with(std::span<const std::byte> head, std::size_t offset, std::string_view magic) {
  return head.size() >= offset + magic.size() &&
         std::memcmp(head.data() + offset, magic.data(), magic.size()) == 0;
}

unsigned byte_at(std::span<const std::byte> head, std::size_t index) {
  return static_cast<unsigned>(head[index]);
}

struct Signature {
  std::size_t offset;
  std::string_view magic;
  std::string_view container;
};

// Only signatures long enough that text or noise will not match them by chance.
// clang-format off
constexpr std::array kSignatures = {
    Signature{0, "RIFF", "wav"},  // also AVI and WebP; refined below
    Signature{0, "RF64", "wav"},
    Signature{0, "fLaC", "flac"},
    Signature{0, "OggS", "ogg"},
    Signature{0, "ID3", "mp3"},
    Signature{4, "ftyp", "mp4"},
    Signature{0, "\x1a\x45\xdf\xa3", "matroska"},
    Signature{0, "FORM", "aiff"},
    Signature{0, "#!AMR", "amr"},
    Signature{0, "caff", "caf"},
    Signature{0, "0&\xb2\x75\x8e\x66\xcf\x11", "asf"},
};
// clang-format on

}  // namespace

std::string_view sniff_container(std::span<const std::byte> head) {
  for (const auto& signature : kSignatures) {
    if (!starts_with(head, signature.offset, signature.magic)) continue;
    if (signature.container == "wav") {
      if (starts_with(head, 8, "AVI ")) return "avi";
      if (starts_with(head, 8, "WEBP")) return {};  // an image
    }
    return signature.container;
  }
  // An MPEG audio frame header (11 sync bits, a valid layer) or an ADTS AAC
  // header: raw streams with no container around them.
  if (head.size() >= 2 && byte_at(head, 0) == 0xFF && (byte_at(head, 1) & 0xE0) == 0xE0) {
    unsigned layer = (byte_at(head, 1) >> 1) & 0x3;
    if ((byte_at(head, 1) & 0xF6) == 0xF0) return "aac";
    // The third byte rules out most noise: bitrate index 15 and sample-rate
    // index 3 are reserved.
    bool plausible_rates = head.size() < 3 || ((byte_at(head, 2) >> 4) != 0xF &&
                                               ((byte_at(head, 2) >> 2) & 0x3) != 0x3);
    if (layer != 0 && plausible_rates) return "mp3";
  }
  return {};
}

bool looks_like_text(std::span<const std::byte> head) {
  if (head.empty()) return false;
  for (std::byte b : head) {
    auto c = static_cast<unsigned char>(b);
    // Bytes of 0x80 and up are let through as parts of UTF-8 characters; the
    // control characters below 0x20 are what binary data is full of.
    bool control = c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f';
    if (control || c == 0x7F) return false;
  }
  return true;
}

}  // namespace soundscripter
