// The engines end to end on real speech: accuracy where a real model exists
// (PocketSphinx), exact agreement with whisper-cli where only random weights
// do, and cancellation.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <future>
#include <sstream>

#include "engine/media_transcription.hpp"
#include "media/audio_decoder.hpp"
#include "support/engine_stop.hpp"
#include "support/process.hpp"
#include "support/test_media.hpp"
#include "support/test_models.hpp"
#include "support/test_paths.hpp"
#include "util/error.hpp"

namespace soundscripter::test {
namespace {

std::string lowercase(std::string text) {
  for (auto& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

// Each line trimmed, blank lines dropped, joined with '\n'.
std::string normalized_lines(const std::string& text) {
  std::istringstream in(text);
  std::string line, out;
  while (std::getline(in, line)) {
    auto first = line.find_first_not_of(" \t\r");
    if (first == std::string::npos) continue;
    auto last = line.find_last_not_of(" \t\r");
    out += line.substr(first, last - first + 1) + "\n";
  }
  return out;
}

// Greedy, no fallback, English: how random-weight models run fast.
EngineOptions fast_options() {
  EngineOptions options;
  options.threads = 2;
  options.beam_size = 1;
  options.no_fallback = true;
  options.language = "en";
  return options;
}

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

TEST(SphinxEngine, FindsCountryInJfk) {
  auto engine = load_engine({"sphinx", ""});
  EngineOptions options;
  options.word_timestamps = true;
  Transcript transcript = transcribe_media(jfk_wav(), *engine, options, {}, {}, {});
  std::string text = lowercase(transcript.text());
  EXPECT_NE(text.find("country"), std::string::npos) << text;
  EXPECT_NE(text.find("you"), std::string::npos) << text;
  EXPECT_EQ(transcript.language, "en");
  EXPECT_NEAR(transcript.duration, 11.0, 0.1);
  ASSERT_FALSE(transcript.segments.empty());
  EXPECT_FALSE(transcript.segments.front().words.empty());
  EXPECT_LE(transcript.segments.back().end, transcript.duration + 0.01);
}

// jfk.wav has four stretches of speech, the first from 0.3 s. PocketSphinx
// decodes each as an utterance of its own: one segment each, timed by its
// first and last words, in order.
TEST(SphinxEngine, GivesOneSegmentPerUtteranceTimedByItsWords) {
  auto engine = load_engine({"sphinx", ""});
  EngineOptions options;
  options.word_timestamps = true;
  Transcript transcript = transcribe_media(jfk_wav(), *engine, options, {}, {}, {});
  const auto& segments = transcript.segments;
  ASSERT_GE(segments.size(), 3u) << transcript.text();
  EXPECT_LT(segments.front().start, 1.0);
  for (std::size_t i = 0; i < segments.size(); ++i) {
    const Segment& segment = segments[i];
    ASSERT_FALSE(segment.words.empty()) << i;
    EXPECT_DOUBLE_EQ(segment.start, segment.words.front().start) << i;
    EXPECT_DOUBLE_EQ(segment.end, segment.words.back().end) << i;
    EXPECT_LT(segment.start, segment.end) << i;
    EXPECT_LE(segment.end, transcript.duration + 0.01) << i;
    if (i > 0) {
      EXPECT_LE(segments[i - 1].end, segment.start) << i;
    }
  }
}

// Two copies of jfk.wav with 3 s of silence between them: the segments
// of the first copy reach the callback while the rest is still to come,
// each copy's at its own place in time, and the callback sees exactly the
// segments the run returns.
TEST(SphinxEngine, SendsEachUtteranceAsSoonAsItIsDecoded) {
  auto engine = load_engine({"sphinx", ""});
  const std::vector<float> jfk = decode_whole_file(jfk_wav());
  const std::size_t gap = 3 * kSampleRate;
  std::vector<float> samples;
  for (int copy = 0; copy < 2; ++copy) {
    if (copy > 0) samples.resize(samples.size() + gap, 0.0f);
    samples.insert(samples.end(), jfk.begin(), jfk.end());
  }
  const double copy_every = static_cast<double>(jfk.size() + gap) / kSampleRate;
  float progress = 0;
  std::vector<float> progress_at_segment;
  std::vector<Segment> streamed;
  EngineCallbacks callbacks;
  callbacks.on_progress = [&](float fraction) { progress = fraction; };
  callbacks.on_segment = [&](const Segment& segment) {
    streamed.push_back(segment);
    progress_at_segment.push_back(progress);
  };
  const Transcript transcript = engine->transcribe(samples, {}, callbacks, {});
  ASSERT_FALSE(streamed.empty());
  EXPECT_LT(progress_at_segment.front(), 0.4f);  // the first copy ends at 0.44
  EXPECT_LT(streamed.front().start, 1.0);
  ASSERT_EQ(streamed.size(), transcript.segments.size());
  for (std::size_t i = 0; i < streamed.size(); ++i) {
    EXPECT_EQ(streamed[i].text, transcript.segments[i].text) << i;
    EXPECT_DOUBLE_EQ(streamed[i].start, transcript.segments[i].start) << i;
    EXPECT_DOUBLE_EQ(streamed[i].end, transcript.segments[i].end) << i;
  }
  // Every copy has speech where it lies, and no segment spans two copies.
  for (int copy = 0; copy < 2; ++copy) {
    const double from = copy * copy_every;
    const double to = from + kJfkSeconds;
    const auto in_copy = std::count_if(streamed.begin(), streamed.end(), [&](const Segment& s) {
      return s.start >= from && s.end <= to + 0.05;
    });
    EXPECT_GE(in_copy, 2) << "copy " << copy;
  }
  for (const Segment& segment : streamed) {
    EXPECT_EQ(static_cast<int>(segment.start / copy_every), static_cast<int>(segment.end / copy_every))
        << segment.start << "-" << segment.end;
  }
}

TEST(SphinxEngine, StopEndsARunWithinOneSecond) {
  auto engine = load_engine({"sphinx", ""});
  std::vector<float> jfk = decode_whole_file(jfk_wav());
  std::vector<float> samples;
  while (samples.size() < 120u * kSampleRate) samples.insert(samples.end(), jfk.begin(), jfk.end());
  expect_stops_within_one_second(*engine, samples, {}, std::chrono::milliseconds(1500));
}

std::size_t open_descriptors() {
  return static_cast<std::size_t>(std::distance(std::filesystem::directory_iterator("/proc/self/fd"),
                                                std::filesystem::directory_iterator()));
}

TEST(SphinxEngine, ManyCallsAtOnceLeaveNoDescriptorOpen) {
  auto engine = load_engine({"sphinx", ""});
  std::vector<float> speech(kSampleRate / 2, 0.01f);
  engine->transcribe(speech, {}, {}, {});  // first-use set-up may keep its files
  const std::size_t before = open_descriptors();
  // Two at a time, as two workers sharing the engine do.
  for (int round = 0; round < 4; ++round) {
    auto other = std::async(std::launch::async, [&] { return engine->transcribe(speech, {}, {}, {}); });
    engine->transcribe(speech, {}, {}, {});
    other.get();
  }
  EXPECT_EQ(open_descriptors(), before) << "each decoder left a file open";
}

TEST(SphinxEngine, RefusesTranslation) {
  auto engine = load_engine({"sphinx", ""});
  EngineOptions options;
  options.translate = true;
  std::vector<float> silence(kSampleRate);
  try {
    engine->transcribe(silence, options, {}, {});
    FAIL() << "expected invalid_argument";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::invalid_argument);
  }
}

// The same model, file and options through whisper-cli and through
// `soundscripter transcribe` give the same text, line for line: with the
// f16 model, and with copies quantized by whisper-quantize.
class WhisperCliEquality : public ::testing::TestWithParam<std::string> {};

INSTANTIATE_TEST_SUITE_P(WhisperEngine, WhisperCliEquality, ::testing::Values("f16", "q5_0", "q8_0"));

TEST_P(WhisperCliEquality, TextMatchesWhisperCli) {
  const auto model = GetParam() == "f16" ? random_whisper_model("test") : quantized_whisper_model(GetParam());
  const auto out_dir = test_data_dir() / ("whisper-cli-compare-" + GetParam());
  std::filesystem::create_directories(out_dir);
  auto cli = run_process({whisper_cli_binary(), "-m", model, "-f", jfk_wav(), "-t", "2", "-bs",
                          "1", "-bo", "1", "-nf", "-l", "en", "-np", "-otxt", "-of",
                          out_dir / "cli"});
  ASSERT_EQ(cli.exit_code, 0) << cli.err;
  auto ours = run_process({soundscripter_binary(), "transcribe", jfk_wav(), "--model", model,
                           "--threads", "2", "--beam-size", "1", "--best-of", "1",
                           "--no-fallback", "--language", "en", "--format", "txt", "--quiet"});
  ASSERT_EQ(ours.exit_code, 0) << ours.err;
  std::string expected = normalized_lines(read_file(out_dir / "cli.txt"));
  ASSERT_FALSE(expected.empty());
  EXPECT_EQ(normalized_lines(ours.out), expected);
}

TEST(WhisperEngine, ReportsSegmentsAsTheyAreDecodedAndWordTimes) {
  auto engine = load_engine({"whisper", random_whisper_model("test").string()});
  EngineOptions options = fast_options();
  options.word_timestamps = true;
  std::vector<Segment> streamed;
  TranscriptionCallbacks callbacks;
  callbacks.on_segment = [&](const Segment& s) { streamed.push_back(s); };
  Transcript transcript = transcribe_media(jfk_wav(), *engine, options, {}, callbacks, {});
  ASSERT_FALSE(transcript.segments.empty());
  EXPECT_GE(streamed.size(), transcript.segments.size());
  EXPECT_EQ(transcript.language, "en");
  bool any_words = false;
  for (const auto& segment : transcript.segments) {
    for (const auto& word : segment.words) {
      any_words = true;
      EXPECT_GE(word.start, segment.start);
      EXPECT_LE(word.end, segment.end);
      ASSERT_TRUE(word.probability);
    }
  }
  EXPECT_TRUE(any_words);
}

TEST(WhisperEngine, VadWithTheSileroModelKeepsSpeechInsideTheFile) {
  auto engine = load_engine({"whisper", random_whisper_model("test").string()});
  EngineOptions options = fast_options();
  options.vad = true;
  options.vad_model = silero_vad_model().string();
  Transcript transcript = transcribe_media(jfk_wav(), *engine, options, {}, {}, {});
  ASSERT_FALSE(transcript.segments.empty());
  for (const auto& segment : transcript.segments) {
    EXPECT_GE(segment.start, 0.0);
    EXPECT_LE(segment.end, transcript.duration + 0.01);
  }
  options.vad_model = "/nonexistent/silero.bin";
  try {
    transcribe_media(jfk_wav(), *engine, options, {}, {}, {});
    FAIL() << "expected not_found for a missing VAD model";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::not_found);
    EXPECT_NE(std::string(error.what()).find("silero.bin"), std::string::npos) << error.what();
    EXPECT_NE(std::string(error.what()).find("jfk.wav"), std::string::npos) << error.what();
  }
}

TEST(WhisperEngine, EnglishOnlyModelRefusesAnotherLanguageButTakesAuto) {
  auto engine = load_engine({"whisper", random_whisper_model("test").string()});
  EngineOptions options = fast_options();
  options.language = "de";
  std::vector<float> audio = decode_whole_file(jfk_wav());
  try {
    engine->transcribe(audio, options, {}, {});
    FAIL() << "expected invalid_argument";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::invalid_argument);
    EXPECT_NE(std::string(error.what()).find("English-only"), std::string::npos);
  }
  options.language = "auto";
  EXPECT_EQ(engine->transcribe(audio, options, {}, {}).language, "en");
}

TEST(WhisperEngine, StopEndsARunWithinOneSecond) {
  auto engine = load_engine({"whisper", random_whisper_model("tiny").string()});
  // Two minutes of speech: far longer than the test waits.
  std::vector<float> jfk = decode_whole_file(jfk_wav());
  std::vector<float> samples;
  while (samples.size() < 120u * kSampleRate) samples.insert(samples.end(), jfk.begin(), jfk.end());
  EngineOptions options = fast_options();
  options.no_fallback = false;  // the slow path: retries at higher temperatures
  expect_stops_within_one_second(*engine, samples, options, std::chrono::milliseconds(1500));
}

TEST(LoadEngine, UnknownEngineAndMissingModelSayWhatToDo) {
  try {
    load_engine({"kaldi", ""});
    FAIL();
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::invalid_argument);
    EXPECT_NE(std::string(error.what()).find("whisper, parakeet, sphinx"), std::string::npos);
  }
  try {
    load_engine({"whisper", "/nonexistent/ggml-base.en.bin"});
    FAIL();
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::not_found);
  }
}

}  // namespace
}  // namespace soundscripter::test
