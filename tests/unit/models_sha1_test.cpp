// SHA-1 of files against the standard test vectors.
#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>

#include "models/file_sha1.hpp"
#include "util/error.hpp"

namespace soundscripter {
namespace {

namespace fs = std::filesystem;

TEST(models_sha1, MatchesTheStandardVectors) {
  const fs::path path = fs::temp_directory_path() / ("sha1-" + std::to_string(getpid()));
  std::ofstream(path, std::ios::binary) << "abc";
  EXPECT_EQ(sha1_hex_of_file(path), "a9993e364706816aba3e25717850c26c9cd0d89d");
  std::ofstream(path, std::ios::binary | std::ios::trunc).flush();
  EXPECT_EQ(sha1_hex_of_file(path), "da39a3ee5e6b4b0d3255bfef95601890afd80709");
  fs::remove(path);
}

TEST(models_sha1, MissingFileIsNotFoundAndNamed) {
  try {
    sha1_hex_of_file("/nonexistent/model.bin");
    FAIL() << "no error for a missing file";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::not_found);
    EXPECT_NE(std::string(error.what()).find("/nonexistent/model.bin"), std::string::npos);
  }
}

}  // namespace
}  // namespace soundscripter
