#include "engine/sphinx_engine.hpp"

#include <err.h>
#include <pocketsphinx.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <mutex>
#include <vector>

#include "media/audio_decoder.hpp"
#include "util/error.hpp"

namespace soundscripter {
namespace {

constexpr int kFramesPerSecond = 100;   // PocketSphinx's default frame rate
constexpr double kSegmentPause = 0.5;   // a silence this long ends a segment
constexpr double kMaxSegment = 15.0;    // seconds; keeps subtitles readable

struct DecoderDeleter {
  void operator()(ps_decoder_t* ps) const { ps_free(ps); }
};
using DecoderPtr = std::unique_ptr<ps_decoder_t, DecoderDeleter>;

// "<s>", "</s>", "<sil>", "[NOISE]" and the like are not words.
bool is_filler(const std::string& word) {
  return word.empty() || word.front() == '<' || word.front() == '[' || word.front() == '+';
}

// "read(2)" is the second pronunciation of "read".
std::string strip_alternate(std::string word) {
  if (auto paren = word.find('('); paren != std::string::npos && word.back() == ')') {
    word.erase(paren);
  }
  return word;
}

class SphinxEngine final : public Engine {
 public:
  explicit SphinxEngine(std::filesystem::path model_dir) : model_dir_(std::move(model_dir)) {}

  std::string name() const override { return "sphinx"; }
  std::string model_description() const override {
    return "PocketSphinx en-us (" + model_dir_.string() + ")";
  }

  Transcript transcribe(std::span<const float> samples, const EngineOptions& options,
                        const EngineCallbacks& callbacks, std::stop_token stop) override {
    check_sphinx_options(options);
    // A fresh decoder per call: a reused one carries its frame count and
    // its cepstral-mean estimate into the next utterance, which shifts the
    // times and changes the words (seen with two files in one run).
    DecoderPtr decoder = make_decoder();
    if (ps_start_utt(decoder.get()) < 0) {
      throw Error(ErrorCode::engine_failed, "PocketSphinx could not start an utterance");
    }
    // Feed one second at a time so progress and cancellation stay responsive.
    std::vector<int16_t> block;
    for (std::size_t offset = 0; offset < samples.size(); offset += kSampleRate) {
      if (stop.stop_requested()) {
        ps_end_utt(decoder.get());
        throw Error(ErrorCode::cancelled, "transcription cancelled");
      }
      std::size_t count = std::min<std::size_t>(kSampleRate, samples.size() - offset);
      block.resize(count);
      for (std::size_t i = 0; i < count; ++i) {
        float clamped = std::clamp(samples[offset + i], -1.0f, 1.0f);
        block[i] = static_cast<int16_t>(std::lrint(clamped * 32767.0f));
      }
      if (ps_process_raw(decoder.get(), block.data(), count, FALSE, FALSE) < 0) {
        throw Error(ErrorCode::engine_failed, "PocketSphinx failed to process audio");
      }
      if (callbacks.on_progress) {
        callbacks.on_progress(static_cast<float>(offset + count) / static_cast<float>(samples.size()));
      }
    }
    ps_end_utt(decoder.get());

    Transcript transcript;
    transcript.language = "en";
    transcript.duration = static_cast<double>(samples.size()) / kSampleRate;
    transcript.segments = read_segments(decoder.get(), options.word_timestamps);
    for (const auto& segment : transcript.segments) {
      if (callbacks.on_segment) callbacks.on_segment(segment);
    }
    return transcript;
  }

 private:
  static std::vector<Segment> read_segments(ps_decoder_t* decoder, bool with_words) {
    std::vector<Segment> segments;
    std::vector<Word> words;
    logmath_t* logmath = ps_get_logmath(decoder);
    auto close_segment = [&] {
      if (words.empty()) return;
      Segment segment{words.front().start, words.back().end, {}, {}};
      for (const auto& word : words) {
        if (!segment.text.empty()) segment.text += ' ';
        segment.text += word.text;
      }
      if (with_words) segment.words = std::move(words);
      segments.push_back(std::move(segment));
      words.clear();
    };
    for (ps_seg_t* it = ps_seg_iter(decoder); it != nullptr; it = ps_seg_next(it)) {
      int start_frame = 0;
      int end_frame = 0;
      ps_seg_frames(it, &start_frame, &end_frame);
      double start = static_cast<double>(start_frame) / kFramesPerSecond;
      double end = static_cast<double>(end_frame + 1) / kFramesPerSecond;
      std::string word = ps_seg_word(it);
      if (is_filler(word)) {
        if (end - start >= kSegmentPause) close_segment();
        continue;
      }
      if (!words.empty() && end - words.front().start > kMaxSegment) close_segment();
      int32 acoustic = 0, language = 0, backoff = 0;
      float probability = static_cast<float>(
          logmath_exp(logmath, ps_seg_prob(it, &acoustic, &language, &backoff)));
      words.push_back({start, end, strip_alternate(word), probability});
    }
    close_segment();
    return segments;
  }

  DecoderPtr make_decoder() const {
    // Its INFO lines would drown the CLI's output. Said once for the
    // process: the log is a global of the library, and setting it per
    // decoder (-logfn /dev/null) left one descriptor open per job and raced
    // between workers.
    static std::once_flag quiet;
    std::call_once(quiet, [] { err_set_logfp(nullptr); });
    const std::string hmm = (model_dir_ / "en-us").string();
    const std::string lm = (model_dir_ / "en-us.lm.bin").string();
    const std::string dict = (model_dir_ / "cmudict-en-us.dict").string();
    cmd_ln_t* config = cmd_ln_init(nullptr, ps_args(), TRUE, "-hmm", hmm.c_str(), "-lm",
                                   lm.c_str(), "-dict", dict.c_str(), nullptr);
    if (config == nullptr) {
      throw Error(ErrorCode::engine_failed, "PocketSphinx rejected its configuration");
    }
    DecoderPtr decoder(ps_init(config));
    cmd_ln_free_r(config);  // the decoder holds its own reference
    if (!decoder) {
      throw Error(ErrorCode::model_invalid,
                  "PocketSphinx could not load its model from " + model_dir_.string());
    }
    return decoder;
  }

  std::filesystem::path model_dir_;
};

}  // namespace

std::unique_ptr<Engine> make_sphinx_engine() {
  std::filesystem::path dir = SOUNDSCRIPTER_SPHINX_MODEL_DIR;
  std::error_code ec;
  if (!std::filesystem::exists(dir / "cmudict-en-us.dict", ec)) {
    throw Error(ErrorCode::not_found,
                "the PocketSphinx en-us model is not installed at " + dir.string() +
                    " (apt-get install pocketsphinx-en-us)");
  }
  return std::make_unique<SphinxEngine>(dir);
}

void check_sphinx_options(const EngineOptions& options) {
  if (options.translate) {
    throw Error(ErrorCode::invalid_argument, "the sphinx engine cannot translate (the whisper engine can)");
  }
  if (options.vad) {
    throw Error(ErrorCode::invalid_argument, "--vad works with the whisper engine only");
  }
  if (options.language != "auto" && options.language != "en") {
    throw Error(ErrorCode::invalid_argument,
                "the sphinx engine knows English only, not '" + options.language + "'");
  }
}

}  // namespace soundscripter
