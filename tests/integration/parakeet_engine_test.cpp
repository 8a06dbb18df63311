// The parakeet engine against parakeet-cli built from the same whisper.cpp
// source: the same text and the same token times, through the CLI and the
// API, on random-weight models in the exact file format; its refusals, its
// cancellation, chunking and bad model files.
#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <regex>
#include <sstream>

#include <nlohmann/json.hpp>

#include "engine/media_transcription.hpp"
#include "media/audio_decoder.hpp"
#include "support/engine_stop.hpp"
#include "support/process.hpp"
#include "support/service_fixture.hpp"
#include "support/test_media.hpp"
#include "support/test_models.hpp"
#include "support/temp_dir.hpp"
#include "support/test_paths.hpp"
#include "util/error.hpp"

namespace soundscripter::test {
namespace {

namespace fs = std::filesystem;

std::string trimmed(const std::string& text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return "";
  return text.substr(first, text.find_last_not_of(" \t\r\n") - first + 1);
}

// Runs of blanks and line breaks as one space: parakeet-cli prints one line,
// the txt format a line per segment.
std::string one_line(const std::string& text) {
  std::istringstream words(text);
  std::string word, line;
  while (words >> word) line += (line.empty() ? "" : " ") + word;
  return line;
}

// One word as parakeet-cli's token list (-ps) gives it: times in seconds.
struct TimedWord {
  double start = 0;
  double end = 0;
};

struct CliResult {
  std::string text;              // what it printed on stdout
  std::vector<TimedWord> words;  // from its token list on stderr
};

// parakeet-cli on 2 threads, CPU only: the text it prints, and its tokens
// grouped into words the way the engine groups them (a word-start piece
// opens one; SentencePiece control pieces such as <unk> print nothing).
CliResult run_parakeet_cli(const fs::path& model, const fs::path& media) {
  ProcessResult run = run_process({parakeet_cli_binary(), "-m", model, "-t", "2", "-ng", "-ps", media});
  EXPECT_EQ(run.exit_code, 0) << run.err;
  CliResult result{trimmed(run.out), {}};
  static const std::regex token(R"(t0=\s*(\d+) t1=\s*(\d+) word_start=(true|false) "(.*)\"$)");
  std::istringstream lines(run.err);
  std::string line;
  while (std::getline(lines, line)) {
    std::smatch m;
    if (!std::regex_search(line, m, token)) continue;
    const std::string piece = m[4];
    if (piece.size() > 2 && piece.front() == '<' && piece.back() == '>') continue;
    const double t0 = std::stoi(m[1]) * 0.01, t1 = std::stoi(m[2]) * 0.01;
    if (m[3] == "true" || result.words.empty()) result.words.push_back({t0, t1});
    else result.words.back().end = t1;
  }
  return result;
}

// `soundscripter transcribe` as JSON with word times, the whole file in one
// call as parakeet-cli does (parakeet's default cuts at a minute).
nlohmann::json run_ours(const fs::path& model, const fs::path& media, std::vector<std::string> extra = {}) {
  std::vector<std::string> args = {soundscripter_binary().string(), "transcribe", media.string(), "--engine",
                                   "parakeet", "--model", model.string(), "--threads", "2",
                                   "--word-timestamps", "--chunk-length", "0", "--format", "json", "--quiet"};
  args.insert(args.end(), extra.begin(), extra.end());
  ProcessResult run = run_process(args);
  EXPECT_EQ(run.exit_code, 0) << run.err;
  return nlohmann::json::parse(run.out, nullptr, false);
}

std::vector<TimedWord> words_of(const nlohmann::json& transcript) {
  std::vector<TimedWord> words;
  for (const auto& segment : transcript["segments"]) {
    for (const auto& word : segment["words"]) words.push_back({word["start"], word["end"]});
  }
  return words;
}

std::string text_of(const nlohmann::json& transcript) {
  std::string text;
  for (const auto& segment : transcript["segments"]) {
    if (!text.empty()) text += ' ';
    text += segment["text"].get<std::string>();
  }
  return text;
}

// parakeet-cli lets the last token's duration run past the end of the
// audio; a transcript ends where its audio does (`duration`), so times are
// compared up to there.
void expect_same_words(const std::vector<TimedWord>& ours, const std::vector<TimedWord>& cli, double duration) {
  ASSERT_EQ(ours.size(), cli.size());
  for (std::size_t i = 0; i < ours.size(); ++i) {
    EXPECT_NEAR(ours[i].start, std::min(cli[i].start, duration), 0.0015) << "word " << i;
    EXPECT_NEAR(ours[i].end, std::min(cli[i].end, duration), 0.0015) << "word " << i;
  }
}

void expect_same_as_cli(const fs::path& model, const fs::path& media) {
  const CliResult cli = run_parakeet_cli(model, media);
  ASSERT_FALSE(cli.text.empty()) << "the random model says nothing: the comparison would prove nothing";
  ASSERT_GE(cli.words.size(), 3u);
  const nlohmann::json ours = run_ours(model, media);
  ASSERT_TRUE(ours.is_object());
  EXPECT_EQ(text_of(ours), cli.text);
  expect_same_words(words_of(ours), cli.words, ours["duration"]);
}

TEST(ParakeetEngine, TextAndTokenTimesMatchParakeetCliOnJfk) {
  expect_same_as_cli(random_parakeet_model(), jfk_wav());
}

TEST(ParakeetEngine, TextAndTokenTimesMatchParakeetCliOnAMinute) {
  // Longer than the test model's audio context: parakeet.cpp's other path.
  expect_same_as_cli(random_parakeet_model(), long_speech_file(1, MediaFormat::wav));
}

TEST(ParakeetEngine, QuantizedModelMatchesParakeetCli) {
  expect_same_as_cli(quantized_parakeet_model(), jfk_wav());
}

TEST(ParakeetEngine, SegmentsStreamAsTheyAreDecodedAndEqualTheResult) {
  auto engine = load_engine({"parakeet", random_parakeet_model().string()});
  EXPECT_EQ(engine->name(), "parakeet");
  EngineOptions options;
  options.threads = 2;
  options.word_timestamps = true;
  std::vector<Segment> streamed;
  std::vector<float> fractions;
  EngineCallbacks callbacks;
  callbacks.on_segment = [&](const Segment& s) { streamed.push_back(s); };
  callbacks.on_progress = [&](float f) { fractions.push_back(f); };
  const std::vector<float> audio = decode_whole_file(long_speech_file(1, MediaFormat::wav));
  Transcript transcript = engine->transcribe(audio, options, callbacks, {});
  ASSERT_GE(transcript.segments.size(), 2u) << "a minute of speech in one segment";
  ASSERT_EQ(streamed.size(), transcript.segments.size());
  for (std::size_t i = 0; i < streamed.size(); ++i) {
    EXPECT_EQ(streamed[i].text, transcript.segments[i].text);
    EXPECT_DOUBLE_EQ(streamed[i].start, transcript.segments[i].start);
    EXPECT_DOUBLE_EQ(streamed[i].end, transcript.segments[i].end);
    if (i > 0) {
      EXPECT_GE(transcript.segments[i].start, transcript.segments[i - 1].start);
    }
    for (const auto& word : transcript.segments[i].words) {
      EXPECT_GE(word.start, transcript.segments[i].start);
      EXPECT_LE(word.end, transcript.segments[i].end);
      ASSERT_TRUE(word.probability);
      EXPECT_GT(*word.probability, 0.0f);
    }
  }
  ASSERT_FALSE(fractions.empty());
  EXPECT_TRUE(std::is_sorted(fractions.begin(), fractions.end()));
  EXPECT_FLOAT_EQ(fractions.back(), 1.0f);
  // The library does not say what it heard, and this model is English-only.
  EXPECT_EQ(transcript.language, "en");
}

TEST(ParakeetEngine, ChunkedLongFileIsStitchedInOrder) {
  auto engine = load_engine({"parakeet", random_parakeet_model().string()});
  EngineOptions options;
  options.threads = 2;
  const fs::path media = long_speech_file(2, MediaFormat::flac);
  ChunkingOptions chunking;
  chunking.chunk_seconds = 45;
  std::vector<Segment> streamed;
  TranscriptionCallbacks callbacks;
  callbacks.on_segment = [&](const Segment& s) { streamed.push_back(s); };
  Transcript transcript = transcribe_media(media, *engine, options, chunking, callbacks, {});
  ASSERT_GE(transcript.segments.size(), 3u);
  EXPECT_NEAR(transcript.duration, 120, 3);
  EXPECT_GT(transcript.segments.back().start, 90) << "the last chunk's times are not shifted";
  for (std::size_t i = 1; i < transcript.segments.size(); ++i) {
    EXPECT_GE(transcript.segments[i].start, transcript.segments[i - 1].end - 1e-6) << i;
  }
  EXPECT_EQ(streamed.size(), transcript.segments.size());
}

TEST(ParakeetEngine, StopEndsARunWithinOneSecond) {
  auto engine = load_engine({"parakeet", random_parakeet_model().string()});
  const std::vector<float> jfk = decode_whole_file(jfk_wav());
  // Five minutes: the default chunk, the most one call gets in a job.
  std::vector<float> samples;
  while (samples.size() < 300u * kSampleRate) samples.insert(samples.end(), jfk.begin(), jfk.end());
  EngineOptions options;
  options.threads = 2;
  expect_stops_within_one_second(*engine, samples, options, std::chrono::milliseconds(700));
  // The engine is still usable afterwards.
  EXPECT_NO_THROW(engine->transcribe(std::span(jfk), options, {}, {}));
}

TEST(ParakeetCli, RefusesWhatTheEngineCannotDoNamingTheOption) {
  const fs::path model = random_parakeet_model();
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"--translate"}, "--translate"},
      {{"--prompt", "Kennedy"}, "--prompt"},
      {{"--beam-size", "4"}, "--beam-size"},
      {{"--language", "de"}, "English-only"},  // the test model has v2's English vocabulary size
      {{"--vad"}, "--vad"},
  };
  for (const auto& [flags, expected] : cases) {
    std::vector<std::string> args = {soundscripter_binary().string(), "transcribe", jfk_wav().string(),
                                     "--engine", "parakeet", "--model", model.string(), "--quiet"};
    args.insert(args.end(), flags.begin(), flags.end());
    ProcessResult run = run_process(args);
    EXPECT_NE(run.exit_code, 0) << flags.front();
    EXPECT_NE(run.err.find(expected), std::string::npos) << run.err;
    EXPECT_TRUE(run.out.empty()) << run.out;
  }
}

TEST(ParakeetCli, ModelFilesOfTheWrongKindOrCutShortAreRefused) {
  const fs::path parakeet = random_parakeet_model();
  const fs::path whisper = random_whisper_model("test");
  auto refused = [](std::vector<std::string> args, const std::string& expected) {
    args.insert(args.begin(), soundscripter_binary().string());
    ProcessResult run = run_process(args);
    EXPECT_NE(run.exit_code, 0);
    EXPECT_NE(run.err.find(expected), std::string::npos) << run.err;
  };
  refused({"transcribe", jfk_wav(), "--engine", "parakeet", "--model", whisper}, "it is a Whisper model");
  refused({"transcribe", jfk_wav(), "--engine", "whisper", "--model", parakeet}, "it is a Parakeet model");
  const fs::path dir = test_data_dir() / "bad-parakeet-models";
  fs::create_directories(dir);
  const fs::path cut = dir / "cut.bin";
  fs::copy_file(parakeet, cut, fs::copy_options::overwrite_existing);
  fs::resize_file(cut, fs::file_size(parakeet) - 100);
  refused({"models", "check", cut}, "ends early");
  refused({"transcribe", jfk_wav(), "--engine", "parakeet", "--model", cut}, "ends early");

  ProcessResult check = run_process({soundscripter_binary(), "models", "check", parakeet});
  EXPECT_EQ(check.exit_code, 0) << check.err;
  EXPECT_NE(check.out.find("engine:      parakeet"), std::string::npos) << check.out;
  // No engine named: the file says which one it is for.
  ProcessResult automatic = run_process({soundscripter_binary(), "transcribe", jfk_wav(), "--model", parakeet,
                                         "--threads", "2", "--quiet"});
  EXPECT_EQ(automatic.exit_code, 0) << automatic.err;
  EXPECT_EQ(one_line(automatic.out), run_parakeet_cli(parakeet, jfk_wav()).text);
}

class service_parakeet : public ServiceTest {};

TEST_F(service_parakeet, TranscribesAsParakeetCliDoesAndRefusesWhatItCannotDoAtUpload) {
  const fs::path model = random_parakeet_model();
  ServeProcess& server = start_server(std::vector<std::string>{
      "--engine", "parakeet", "--model", model.string(), "--threads-per-job", "2", "--workers", "1"});
  ServiceApi api(server.base_url());
  for (const auto& [name, value] : std::vector<std::pair<std::string, std::string>>{
           {"task", "translate"}, {"prompt", "Kennedy"}, {"beam_size", "3"}, {"language", "ja"}}) {
    const HttpReply refused = api.submit(jfk_wav(), {FormPart::field(name, value)});
    EXPECT_EQ(refused.status, 400) << name << ": " << refused.describe();
    EXPECT_NE(refused.body.find("arakeet"), std::string::npos) << refused.body;  // names the engine
  }
  EXPECT_EQ(api.http().get("/v1/jobs").json()["total"], 0) << "a refused upload left a job behind";

  const std::string id = api.submit_ok(jfk_wav(), {FormPart::field("word_timestamps", "true")});
  const nlohmann::json job = api.wait_until_finished(id);
  ASSERT_EQ(job["state"], "completed") << job.dump();
  const HttpReply transcript = api.http().get("/v1/jobs/" + id + "/transcript?format=json");
  ASSERT_EQ(transcript.status, 200) << transcript.describe();
  const CliResult cli = run_parakeet_cli(model, jfk_wav());
  const nlohmann::json ours = transcript.json();
  EXPECT_EQ(text_of(ours), cli.text);
  expect_same_words(words_of(ours), cli.words, ours["duration"]);
}

// A Whisper server with a Parakeet model installed under its catalog name:
// OpenAI's endpoint takes the name without precision, and a job that asks
// for the parakeet engine gets the installed Parakeet model, not the
// server's Whisper one.
TEST_F(service_parakeet, AnInstalledParakeetModelIsUsableByNameBesideWhisper) {
  TempDir models("parakeet-models");
  const fs::path installed = models.path() / "ggml-parakeet-tdt-0.6b-v3-q8_0.bin";
  fs::copy_file(quantized_parakeet_model("q8_0"), installed);
  ServeProcess& server = start_server(ServeProcess::Options{
      fast_whisper_server_args(1), {{"SOUNDSCRIPTER_MODELS_DIR", models.path().string()}}, std::chrono::seconds(60)});
  ServiceApi api(server.base_url());
  const std::string expected = run_parakeet_cli(installed, jfk_wav()).text;

  const HttpReply openai = api.http().post_form(
      "/v1/audio/transcriptions", {FormPart::field("model", "parakeet-tdt-0.6b-v3"),
                                   FormPart::field("response_format", "text"), FormPart::upload("file", jfk_wav())});
  ASSERT_EQ(openai.status, 200) << openai.describe();
  EXPECT_EQ(one_line(openai.body), expected);

  const std::string id = api.submit_ok(jfk_wav(), {FormPart::field("engine", "parakeet")});
  const nlohmann::json job = api.wait_until_finished(id);
  ASSERT_EQ(job["state"], "completed") << job.dump();
  const HttpReply text = api.http().get("/v1/jobs/" + id + "/transcript?format=json");
  EXPECT_EQ(text_of(text.json()), expected);
}

}  // namespace
}  // namespace soundscripter::test
