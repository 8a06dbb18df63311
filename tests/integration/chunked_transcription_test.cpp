// Long audio through the whole pipeline: decoded in a stream, cut at
// silences, transcribed chunk by chunk and stitched into one transcript.
#include <gtest/gtest.h>

#include "engine/media_transcription.hpp"
#include "support/test_media.hpp"
#include "support/test_models.hpp"

namespace soundscripter::test {
namespace {

TEST(ChunkedTranscription, TwoMinutesInThirtySecondChunksStitchIntoOneMonotonicTranscript) {
  const auto media = long_speech_file(2);
  auto engine = load_engine({"whisper", random_whisper_model("test").string()});
  EngineOptions options;
  options.threads = 2;
  options.beam_size = 1;
  options.no_fallback = true;
  options.language = "en";

  std::vector<double> fractions;
  std::vector<Segment> streamed;
  TranscriptionCallbacks callbacks;
  callbacks.on_progress = [&](const TranscriptionProgress& p) { fractions.push_back(p.fraction); };
  callbacks.on_segment = [&](const Segment& s) { streamed.push_back(s); };
  Transcript chunked = transcribe_media(media, *engine, options, {30, 10}, callbacks, {});

  EXPECT_NEAR(chunked.duration, 120.0, 0.1);
  // Chunks of at most 30 s each give at least four windows' worth of segments,
  // where one whole-file run of a random model gives one per 30 s window.
  ASSERT_GE(chunked.segments.size(), 4u);
  double previous_end = 0;
  for (const auto& segment : chunked.segments) {
    EXPECT_GE(segment.start, previous_end) << segment.text;
    EXPECT_GE(segment.end, segment.start);
    EXPECT_LE(segment.end, chunked.duration + 1e-6);
    previous_end = segment.end;
  }
  // Some segment starts in the last chunk: times were shifted by chunk offsets.
  EXPECT_GT(chunked.segments.back().start, 90.0);
  // Streamed segments carry whole-file times too.
  ASSERT_FALSE(streamed.empty());
  EXPECT_GT(streamed.back().start, 90.0);
  // Progress only rises, and ends at 100%.
  ASSERT_FALSE(fractions.empty());
  for (std::size_t i = 1; i < fractions.size(); ++i) EXPECT_GE(fractions[i], fractions[i - 1]);
  EXPECT_DOUBLE_EQ(fractions.back(), 1.0);
}

}  // namespace
}  // namespace soundscripter::test
