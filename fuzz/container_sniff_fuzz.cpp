// sniff_container and looks_like_text (src/media/container_sniff.hpp): the
// answer is always one of the names media_open.cpp expects, and
// looks_like_text agrees with its documented rule, byte by byte.
#include <array>
#include <string_view>

#include "fuzz_support.hpp"
#include "media/container_sniff.hpp"

namespace {

constexpr std::array<std::string_view, 13> kKnown = {
    "", "wav", "avi", "flac", "ogg", "mp3", "mp4", "matroska", "aiff", "amr", "caf", "asf", "aac"};

bool text_byte(unsigned char c) {
  if (c == 0x7F) return false;
  return c >= 0x20 || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace soundscripter;
  const auto head = fuzz::as_bytes(data, size);
  const std::string_view container = sniff_container(head);
  bool known = false;
  for (std::string_view name : kKnown) known = known || name == container;
  FUZZ_CHECK(known);

  bool all_text = size > 0;
  for (std::size_t i = 0; i < size; ++i) all_text = all_text && text_byte(data[i]);
  FUZZ_CHECK(looks_like_text(head) == all_text);
  // These two signatures hold control bytes, so text never matches them.
  if (all_text) FUZZ_CHECK(container != "matroska" && container != "asf");
  return 0;
}
