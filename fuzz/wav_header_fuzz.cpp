// wav_header_seconds (src/media/wav_header.hpp) on any head of a file: it
// answers only for RIFF/WAVE, with a finite positive length, and reading
// more of the same file never changes an answer already given.
#include <cmath>
#include <cstring>

#include "fuzz_support.hpp"
#include "media/wav_header.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace soundscripter;
  const auto head = fuzz::as_bytes(data, size);
  const auto seconds = wav_header_seconds(head);
  if (seconds) {
    FUZZ_CHECK(size >= 12 && std::memcmp(data, "RIFF", 4) == 0 && std::memcmp(data + 8, "WAVE", 4) == 0);
    FUZZ_CHECK(std::isfinite(*seconds) && *seconds > 0);
  }
  // media_open.cpp reads up to 64 KiB; a shorter read of the same file must
  // not claim something else. Every prefix would be slow: try a few.
  for (std::size_t cut : {size / 2, size * 3 / 4, size > 0 ? size - 1 : 0}) {
    const auto shorter = wav_header_seconds(head.first(cut));
    if (shorter) FUZZ_CHECK(seconds && *seconds == *shorter);
  }
  return 0;
}
