#include <gtest/gtest.h>

#include <cmath>
#include <numbers>

#include "engine/audio_chunker.hpp"
#include "media/audio_decoder.hpp"

namespace soundscripter {
namespace {

// "Speech" (a loud tone) everywhere except silent gaps at the given seconds.
std::vector<float> tone_with_gaps(double seconds, const std::vector<double>& gap_starts,
                                  double gap_length = 0.3) {
  std::vector<float> samples(static_cast<std::size_t>(seconds * kSampleRate));
  for (std::size_t i = 0; i < samples.size(); ++i) {
    double t = static_cast<double>(i) / kSampleRate;
    bool in_gap = false;
    for (double g : gap_starts) in_gap |= (t >= g && t < g + gap_length);
    samples[i] = in_gap ? 0.0f : 0.5f * static_cast<float>(std::sin(2 * std::numbers::pi * 220 * t));
  }
  return samples;
}

AudioChunker::Source source_over(const std::vector<float>& all) {
  auto position = std::make_shared<std::size_t>(0);
  return [&all, position](std::vector<float>& out, std::size_t n) {
    std::size_t count = std::min(n, all.size() - *position);
    out.insert(out.end(), all.begin() + static_cast<std::ptrdiff_t>(*position),
               all.begin() + static_cast<std::ptrdiff_t>(*position + count));
    *position += count;
    return count;
  };
}

TEST(FindSilenceCut, LandsInsideTheQuietGap) {
  auto samples = tone_with_gaps(10, {6.0});
  std::size_t cut = find_silence_cut(samples, 4 * kSampleRate, 9 * kSampleRate);
  double t = static_cast<double>(cut) / kSampleRate;
  EXPECT_GT(t, 6.0);
  EXPECT_LT(t, 6.3);
}

TEST(AudioChunker, ChunksCoverTheStreamContiguouslyAndCutAtSilences) {
  // 100 s with gaps at 27, 52 and 80 s; 30 s chunks searched over their last
  // 10 s: the cuts land in the gaps, each within reach of the one before.
  auto samples = tone_with_gaps(100, {27.0, 52.0, 80.0});
  AudioChunker chunker(source_over(samples), {30, 10});
  std::vector<AudioChunk> chunks;
  while (auto chunk = chunker.next()) chunks.push_back(std::move(*chunk));

  ASSERT_GE(chunks.size(), 4u);
  std::int64_t expected_start = 0;
  for (std::size_t i = 0; i < chunks.size(); ++i) {
    EXPECT_EQ(chunks[i].index, static_cast<int>(i));
    EXPECT_EQ(chunks[i].start_sample, expected_start);
    // Samples are handed on unchanged.
    ASSERT_FALSE(chunks[i].samples.empty());
    EXPECT_EQ(chunks[i].samples.front(), samples[static_cast<std::size_t>(expected_start)]);
    expected_start += static_cast<std::int64_t>(chunks[i].samples.size());
  }
  EXPECT_EQ(expected_start, static_cast<std::int64_t>(samples.size()));
  // The first cut is in the gap at 27 s, not at the 30 s limit.
  double first_cut = static_cast<double>(chunks[1].start_sample) / kSampleRate;
  EXPECT_GT(first_cut, 27.0);
  EXPECT_LT(first_cut, 27.3);
  double second_cut = static_cast<double>(chunks[2].start_sample) / kSampleRate;
  EXPECT_GT(second_cut, 52.0);
  EXPECT_LT(second_cut, 52.3);
  double third_cut = static_cast<double>(chunks[3].start_sample) / kSampleRate;
  EXPECT_GT(third_cut, 80.0);
  EXPECT_LT(third_cut, 80.3);
}

TEST(AudioChunker, ZeroLengthMeansOneChunk) {
  auto samples = tone_with_gaps(50, {20.0});
  AudioChunker chunker(source_over(samples), {0, 10});
  auto chunk = chunker.next();
  ASSERT_TRUE(chunk);
  EXPECT_EQ(chunk->samples.size(), samples.size());
  EXPECT_FALSE(chunker.next());
}

TEST(AudioChunker, EmptyStreamGivesNoChunk) {
  std::vector<float> none;
  AudioChunker chunker(source_over(none), {30, 10});
  EXPECT_FALSE(chunker.next());
}

}  // namespace
}  // namespace soundscripter
