#include <gtest/gtest.h>

#include "util/error.hpp"

namespace soundscripter {
namespace {

TEST(Error, ContextIsPrependedAndCodeKept) {
  Error error(ErrorCode::unsupported_media, "not a media file");
  Error wrapped = error.with_context("notes.txt").with_context("decode");
  EXPECT_STREQ(wrapped.what(), "decode: notes.txt: not a media file");
  EXPECT_EQ(wrapped.code(), ErrorCode::unsupported_media);
  EXPECT_EQ(to_string(wrapped.code()), "unsupported_media");
}

TEST(Error, ANulByteInTheMessageDoesNotCutItShort) {
  const Error error(ErrorCode::unsupported_media, std::string("song\0.mp3: not a media file", 27));
  EXPECT_STREQ(error.what(), "song\\0.mp3: not a media file");
  EXPECT_STREQ(error.with_context("upload").what(), "upload: song\\0.mp3: not a media file");
}

}  // namespace
}  // namespace soundscripter
