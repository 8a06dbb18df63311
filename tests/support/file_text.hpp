// A whole file as a string ("" when it cannot be read): for output files a
// test compares or searches.
#pragma once

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

namespace soundscripter::test {

inline std::string file_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

}  // namespace soundscripter::test
