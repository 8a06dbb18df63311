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
// Audio goes in 50 ms at a time, so that the end of one stretch of speech
// and the start of the next never fall into one call: the detector needs
// 0.1 s of speech (-vad_startspeech 10) before it says speech started again.
constexpr std::size_t kBlockSamples = kSampleRate / 20;

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

void start_utterance(ps_decoder_t* decoder) {
  if (ps_start_utt(decoder) < 0) {
    throw Error(ErrorCode::engine_failed, "PocketSphinx could not start an utterance");
  }
}

void to_pcm16(std::span<const float> samples, std::vector<int16_t>& out) {
  out.resize(samples.size());
  for (std::size_t i = 0; i < samples.size(); ++i) {
    out[i] = static_cast<int16_t>(std::lrint(std::clamp(samples[i], -1.0f, 1.0f) * 32767.0f));
  }
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
    Transcript transcript;
    transcript.language = "en";
    transcript.duration = static_cast<double>(samples.size()) / kSampleRate;
    start_utterance(decoder.get());
    // PocketSphinx's voice activity detector drops the silence and says
    // when speech stops; each stretch of speech is decoded as an utterance
    // of its own and its segments go out at once. One utterance for the
    // whole call would be wrong as well as late: this version times every
    // word from where the last stretch of speech began (jfk.wav came out
    // as one segment at 8.1-11.0 s).
    bool in_speech = false;
    auto finish_utterance = [&] {
      ps_end_utt(decoder.get());
      // Read before more audio goes in: the next stretch of speech moves
      // the offset that word frames are counted from.
      for (Segment& segment : read_segments(decoder.get(), options.word_timestamps)) {
        if (callbacks.on_segment) callbacks.on_segment(segment);
        transcript.segments.push_back(std::move(segment));
      }
    };
    std::vector<int16_t> block;
    std::size_t reported = 0;
    for (std::size_t offset = 0; offset < samples.size(); offset += kBlockSamples) {
      // No ps_end_utt on the way out: it searches the whole utterance for
      // its best path first (over 2 s in a long one); ps_free frees an
      // unfinished utterance as well.
      if (stop.stop_requested()) throw Error(ErrorCode::cancelled, "transcription cancelled");
      const std::size_t count = std::min(kBlockSamples, samples.size() - offset);
      to_pcm16(samples.subspan(offset, count), block);
      if (ps_process_raw(decoder.get(), block.data(), count, FALSE, FALSE) < 0) {
        throw Error(ErrorCode::engine_failed, "PocketSphinx failed to process audio");
      }
      const bool speech_now = ps_get_in_speech(decoder.get()) != 0;
      if (in_speech && !speech_now) {
        finish_utterance();
        start_utterance(decoder.get());
      }
      in_speech = speech_now;
      const std::size_t done = offset + count;
      const bool second_more = done - reported >= static_cast<std::size_t>(kSampleRate);
      if (callbacks.on_progress && (second_more || done == samples.size())) {
        reported = done;
        callbacks.on_progress(static_cast<float>(done) / static_cast<float>(samples.size()));
      }
    }
    finish_utterance();
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
