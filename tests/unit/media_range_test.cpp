// Range headers as RFC 9110 §14 reads them: one range served, an
// unsatisfiable one refused, anything else ignored (the whole file).
#include <gtest/gtest.h>

#include "api/media_range.hpp"

namespace soundscripter {
namespace {

using Kind = RangeRequest::Kind;

std::string describe(const RangeRequest& request) {
  switch (request.kind) {
    case Kind::ignored: return "ignored";
    case Kind::unsatisfiable: return "416";
    case Kind::range: return std::to_string(request.range.first) + "-" + std::to_string(request.range.last);
  }
  return "?";
}

TEST(media_range, OneRangeIsServedClampedToTheFile) {
  EXPECT_EQ(describe(parse_range_header("bytes=0-99", 1000)), "0-99");
  EXPECT_EQ(describe(parse_range_header("bytes=990-", 1000)), "990-999");
  EXPECT_EQ(describe(parse_range_header("bytes=990-5000", 1000)), "990-999");
  EXPECT_EQ(describe(parse_range_header("bytes=-10", 1000)), "990-999");
  EXPECT_EQ(describe(parse_range_header("bytes=-5000", 1000)), "0-999");
  EXPECT_EQ(describe(parse_range_header("BYTES=5-5", 1000)), "5-5");  // the unit is case-insensitive
  // Numbers past 64 bits are clamped, not an error.
  EXPECT_EQ(describe(parse_range_header("bytes=5-99999999999999999999999", 1000)), "5-999");
  EXPECT_EQ(describe(parse_range_header("bytes=-99999999999999999999999", 1000)), "0-999");
}

TEST(media_range, ARangeStartingPastTheEndOrAnEmptySuffixIsUnsatisfiable) {
  EXPECT_EQ(describe(parse_range_header("bytes=1000-", 1000)), "416");
  EXPECT_EQ(describe(parse_range_header("bytes=99999999999999999999999-", 1000)), "416");
  EXPECT_EQ(describe(parse_range_header("bytes=-0", 1000)), "416");
  EXPECT_EQ(describe(parse_range_header("bytes=0-", 0)), "416");
}

TEST(media_range, AnythingOffTheGrammarIsIgnored) {
  for (const char* header : {"bytes=5-10junk", "bytes= 5-10", "bytes=0--1", "bytes=-5-3", "bytes=500-100",
                             "bytes=", "bytes=-", "bytes=a-b", "bytes=5", "items=0-5", "bytes 0-5",
                             "bytes=0-5,10-20", "bytes=+5-10", "bytes=5-+10", "bytes=0x10-20"}) {
    EXPECT_EQ(describe(parse_range_header(header, 1000)), "ignored") << header;
  }
}

}  // namespace
}  // namespace soundscripter
