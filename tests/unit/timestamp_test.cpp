// The srt/vtt clocks: rounding to the millisecond, and hours past 99.
#include <gtest/gtest.h>

#include <cmath>

#include "transcript/timestamp.hpp"

namespace soundscripter {
namespace {

TEST(timestamp, SrtAndVttDifferOnlyInTheMillisecondSeparator) {
  EXPECT_EQ(srt_timestamp(3723.456), "01:02:03,456");
  EXPECT_EQ(vtt_timestamp(3723.456), "01:02:03.456");
  EXPECT_EQ(srt_timestamp(0), "00:00:00,000");
}

TEST(timestamp, RoundsToTheNearestMillisecondWithoutWritingAThousand) {
  EXPECT_EQ(srt_timestamp(1.9996), "00:00:02,000");
  EXPECT_EQ(srt_timestamp(1.9994), "00:00:01,999");
  EXPECT_EQ(srt_timestamp(59.9999), "00:01:00,000");
  EXPECT_EQ(vtt_timestamp(3599.9995), "01:00:00.000");
  EXPECT_EQ(to_milliseconds(1.9996), 2000);
}

TEST(timestamp, HoursKeepGrowingPastNinetyNine) {
  EXPECT_EQ(srt_timestamp(99 * 3600 + 59 * 60 + 59.999), "99:59:59,999");
  EXPECT_EQ(srt_timestamp(100 * 3600), "100:00:00,000");
  EXPECT_EQ(vtt_timestamp(1000 * 3600 + 61.5), "1000:01:01.500");
}

TEST(timestamp, NegativeAndNotANumberReadAsZero) {
  EXPECT_EQ(srt_timestamp(-0.5), "00:00:00,000");
  EXPECT_EQ(vtt_timestamp(std::nan("")), "00:00:00.000");
  EXPECT_EQ(to_milliseconds(-3), 0);
}

}  // namespace
}  // namespace soundscripter
