#include "transcript/transcript.hpp"

namespace soundscripter {

std::string Transcript::text() const {
  std::string joined;
  for (const auto& segment : segments) {
    if (segment.text.empty()) continue;
    if (!joined.empty()) joined += ' ';
    joined += segment.text;
  }
  return joined;
}

}  // namespace soundscripter
