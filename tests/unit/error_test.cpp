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

}  // namespace
}  // namespace soundscripter
