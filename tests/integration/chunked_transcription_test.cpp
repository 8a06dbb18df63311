// Long audio through the whole pipeline: decoded in a stream, cut at
// silences, transcribed chunk by chunk and stitched into one transcript.
#include <gtest/gtest.h>

#include "engine/media_transcription.hpp"
#include "transcript/transcript_json.hpp"
#include "util/error.hpp"
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

// What a worker does with one chunk of a split job, on its own: plan the
// cuts, detect the language on the first chunk, transcribe each chunk
// apart (here last first, as workers may finish them), stitch. It must give
// exactly the transcript of one run over the whole file, also for
// compressed, resampled audio, where each chunk is decoded from the start.
class SplitTranscription : public ::testing::TestWithParam<MediaFormat> {};

TEST_P(SplitTranscription, ChunksTranscribedApartStitchIntoTheTranscriptOfOneRun) {
  const auto media = long_speech_file(2, GetParam());
  auto engine = load_engine({"whisper", random_whisper_model("test", /*multilingual=*/true).string()});
  EngineOptions options;
  options.threads = 1;
  options.beam_size = 1;
  options.no_fallback = true;
  options.language = "auto";
  const ChunkingOptions chunking{30, 10};
  const Transcript one_run = transcribe_media(media, *engine, options, chunking, {}, {});

  ChunkPlan plan = plan_chunks(media, chunking, {});
  ASSERT_GE(plan.spans.size(), 4u);
  EXPECT_EQ(plan.spans.front().start_sample, 0);
  for (std::size_t i = 1; i < plan.spans.size(); ++i) {
    EXPECT_EQ(plan.spans[i].start_sample, plan.spans[i - 1].start_sample + plan.spans[i - 1].sample_count);
  }
  EngineOptions chunk_options = options;
  chunk_options.language = engine->detect_language(plan.first_chunk, options);
  ASSERT_FALSE(chunk_options.language.empty());
  EXPECT_EQ(chunk_options.language, one_run.language);

  std::vector<Transcript> parts(plan.spans.size());
  for (std::size_t i = plan.spans.size(); i-- > 0;) {
    parts[i] = transcribe_span(media, plan.spans[i], i + 1 == plan.spans.size(), *engine,
                               chunk_options, {}, {});
  }
  std::vector<SpanTranscript> placed;
  for (std::size_t i = 0; i < parts.size(); ++i) placed.push_back({plan.spans[i], &parts[i]});
  const Transcript stitched = stitch_spans(placed, options.language);

  EXPECT_EQ(transcript_to_json(stitched).dump(1), transcript_to_json(one_run).dump(1));
}

INSTANTIATE_TEST_SUITE_P(Formats, SplitTranscription,
                         ::testing::Values(MediaFormat::wav, MediaFormat::mp3, MediaFormat::m4a),
                         [](const auto& format) { return format_name(format.param); });

TEST(SplitTranscription, ASpanPastTheEndOfTheAudioIsRefusedNamingTheFile) {
  const auto media = long_speech_file(2, MediaFormat::wav);
  auto engine = load_engine({"whisper", random_whisper_model("test").string()});
  try {
    transcribe_span(media, {16000 * 100, 16000 * 60}, true, *engine, EngineOptions{}, {}, {});
    FAIL() << "a span past the end was transcribed";
  } catch (const Error& error) {
    EXPECT_NE(std::string(error.what()).find(media.filename().string()), std::string::npos) << error.what();
  }
}

}  // namespace
}  // namespace soundscripter::test
