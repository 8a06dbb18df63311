// SampleFifo: samples come out in the order they went in, in any slicing,
// and the consumed front is reclaimed so the buffer does not grow.
#include <gtest/gtest.h>

#include <numeric>

#include "media/sample_fifo.hpp"

namespace soundscripter {
namespace {

void push(SampleFifo& fifo, float first, std::size_t count) {
  float* slot = fifo.prepare(count);
  for (std::size_t i = 0; i < count; ++i) slot[i] = first + static_cast<float>(i);
  fifo.commit(count);
}

TEST(media_sample_fifo, HandsOutSamplesInOrderAcrossPushes) {
  SampleFifo fifo;
  push(fifo, 0, 5);
  push(fifo, 5, 5);
  std::vector<float> out;
  EXPECT_EQ(fifo.pop_into(out, 3), 3u);
  EXPECT_EQ(fifo.pop_into(out, 100), 7u);
  std::vector<float> expected(10);
  std::iota(expected.begin(), expected.end(), 0.0f);
  EXPECT_EQ(out, expected);
  EXPECT_TRUE(fifo.empty());
}

TEST(media_sample_fifo, CommitKeepsOnlyWhatWasWritten) {
  SampleFifo fifo;
  float* slot = fifo.prepare(10);
  slot[0] = 1;
  slot[1] = 2;
  fifo.commit(2);
  EXPECT_EQ(fifo.size(), 2u);
  std::vector<float> out;
  fifo.pop_into(out, 10);
  EXPECT_EQ(out, (std::vector<float>{1, 2}));
}

TEST(media_sample_fifo, PopAppendsToWhatTheCallerHas) {
  SampleFifo fifo;
  push(fifo, 7, 2);
  std::vector<float> out = {-1};
  fifo.pop_into(out, 1);
  EXPECT_EQ(out, (std::vector<float>{-1, 7}));
  EXPECT_EQ(fifo.size(), 1u);
}

TEST(media_sample_fifo, StreamingThroughItKeepsItSmall) {
  SampleFifo fifo;
  std::vector<float> out;
  float next_in = 0;
  float next_out = 0;
  // Frames of 1152 read out in slices of 1000: a remainder is always left
  // behind, so only reclaiming the front keeps the storage bounded.
  for (int frame = 0; frame < 10000; ++frame) {
    push(fifo, next_in, 1152);
    next_in += 1152;
    while (fifo.size() >= 1000) {
      out.clear();
      fifo.pop_into(out, 1000);
      ASSERT_EQ(out.front(), next_out);
      next_out += 1000;
    }
    ASSERT_LT(fifo.size(), 1000u);
    // Without reclaiming the front this would reach 11.5 million floats.
    ASSERT_LE(fifo.stored(), 3 * 1152u);
  }
}

}  // namespace
}  // namespace soundscripter
