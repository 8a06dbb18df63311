// Sizes and durations as written in flags and config files.
#include <gtest/gtest.h>

#include "util/error.hpp"
#include "util/units.hpp"

namespace soundscripter {
namespace {

TEST(units_size, ParsesBytesAndBinarySuffixes) {
  EXPECT_EQ(parse_byte_size("1048576"), 1048576u);
  EXPECT_EQ(parse_byte_size("500M"), 500ull << 20);
  EXPECT_EQ(parse_byte_size("500m"), 500ull << 20);
  EXPECT_EQ(parse_byte_size("64KiB"), 64ull << 10);
  EXPECT_EQ(parse_byte_size("2 GB"), 2ull << 30);
  EXPECT_EQ(parse_byte_size("1.5G"), 3ull << 29);
  EXPECT_EQ(parse_byte_size("1T"), 1ull << 40);
  EXPECT_EQ(parse_byte_size(" 10B "), 10u);
  for (const char* bad : {"12Q", "", "G", "-1M", "1,5G", "inf", "nan", "1e30T", "5 M B"}) {
    try {
      parse_byte_size(bad);
      FAIL() << bad;
    } catch (const Error& error) {
      EXPECT_EQ(error.code(), ErrorCode::invalid_argument);
      EXPECT_EQ(std::string(error.what()),
                "'" + std::string(bad) + "' is not a size (bytes, or a number with K, M, G or T: 500M)");
    }
  }
}

TEST(units_size, FormatsTheShortestExactSpelling) {
  EXPECT_EQ(format_byte_size(1ull << 30), "1G");
  EXPECT_EQ(format_byte_size(500ull << 20), "500M");
  EXPECT_EQ(format_byte_size(1536), "1536");
  EXPECT_EQ(format_byte_size(0), "0");
  EXPECT_EQ(parse_byte_size(format_byte_size(3ull << 29)), 3ull << 29);
}

TEST(units_duration, ParsesAndFormats) {
  using std::chrono::seconds;
  EXPECT_EQ(parse_duration("30"), seconds(30));
  EXPECT_EQ(parse_duration("30s"), seconds(30));
  EXPECT_EQ(parse_duration("90m"), seconds(5400));
  EXPECT_EQ(parse_duration("1.5h"), seconds(5400));
  EXPECT_EQ(parse_duration("7d"), seconds(604800));
  EXPECT_EQ(parse_duration("0"), seconds(0));
  EXPECT_THROW(parse_duration("7w"), Error);
  EXPECT_THROW(parse_duration("soon"), Error);
  EXPECT_THROW(parse_duration("-1s"), Error);
  EXPECT_EQ(format_duration(seconds(604800)), "7d");
  EXPECT_EQ(format_duration(seconds(300)), "5m");
  EXPECT_EQ(format_duration(seconds(90)), "90s");
  EXPECT_EQ(format_duration(seconds(0)), "0");
}

}  // namespace
}  // namespace soundscripter
