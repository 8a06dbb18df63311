#include "engine/parakeet_engine.hpp"

#include <parakeet.h>

#include <algorithm>
#include <array>

#include "engine/segment_builder.hpp"
#include "media/audio_decoder.hpp"
#include "models/parakeet_model_file.hpp"
#include "models/whisper_log.hpp"
#include "util/error.hpp"
#include "util/idle_pool.hpp"

namespace soundscripter {
namespace {

constexpr double kSecondsPerMelFrame = static_cast<double>(PARAKEET_HOP_LENGTH) / PARAKEET_SAMPLE_RATE;

struct StateDeleter {
  void operator()(parakeet_state* state) const { parakeet_free_state(state); }
};
using StatePtr = std::unique_ptr<parakeet_state, StateDeleter>;

// parakeet.cpp gives a punctuation token no time of its own: it takes the
// end of the spoken token before it (refine_timestamps_tdt). Done here as
// the tokens arrive, so live segments carry the times the final one would.
bool is_punctuation_piece(std::string_view piece) {
  if (piece.starts_with("\xE2\x96\x81")) piece.remove_prefix(3);  // SentencePiece's word mark
  else if (piece.starts_with('_')) piece.remove_prefix(1);
  static constexpr std::string_view kPunctuation = ".,!?;:'\"-()[]{}";
  return piece.size() == 1 && kPunctuation.find(piece.front()) != std::string_view::npos;
}

// What one parakeet_full call needs from its callbacks.
struct RunContext {
  const EngineCallbacks* callbacks;
  std::stop_token stop;
  SegmentBuilder segments;
  double total_mel_frames;
  bool first_token = true;
  std::int64_t last_spoken_end = -1;  // in mel frames; -1 before the first spoken token
};

class ParakeetEngine final : public Engine {
 public:
  ParakeetEngine(ParakeetContextPtr ctx, std::filesystem::path path)
      : ctx_(std::move(ctx)), path_(std::move(path)),
        english_only_(is_english_only_parakeet(parakeet_model_n_vocab(ctx_.get()))) {}

  std::string name() const override { return "parakeet"; }

  // Parakeet attends over its whole input, so time and memory grow faster
  // than the audio: measured with the 0.6B shape on a 10-minute file on 2
  // threads (bench/parakeet_bench.py), 60-s chunks took 136 s and 1.6 GB
  // at peak, the whole file in one call 449 s and 10.8 GB.
  double default_chunk_seconds() const override { return 60; }

  std::string model_description() const override {
    return path_.filename().string() + " (Parakeet TDT, " +
           (english_only_ ? "English-only)" : "multilingual)");
  }

  Transcript transcribe(std::span<const float> samples, const EngineOptions& options,
                        const EngineCallbacks& callbacks, std::stop_token stop) override {
    check_parakeet_options(options, english_only_);
    Transcript transcript;
    transcript.duration = static_cast<double>(samples.size()) / kSampleRate;
    // The library does not say which language it heard: name one only when
    // it is certain.
    transcript.language = english_only_ ? "en" : (options.language == "auto" ? "" : options.language);
    if (samples.size() < kSampleRate / 10) return transcript;  // too short for one encoder frame

    RunContext run{&callbacks, stop,
                   SegmentBuilder([&](const Segment& segment) {
                     transcript.segments.push_back(segment);
                     if (callbacks.on_segment) callbacks.on_segment(segment);
                   }, options.word_timestamps),
                   static_cast<double>(samples.size()) / PARAKEET_HOP_LENGTH};
    StatePtr state = acquire_state();
    parakeet_full_params params = make_params(options, run);
    take_whisper_log();  // so a failure below reports only its own lines
    const int status = parakeet_full_with_state(ctx_.get(), state.get(), params, samples.data(),
                                                static_cast<int>(samples.size()));
    if (stop.stop_requested()) {
      states_.release(std::move(state));
      throw Error(ErrorCode::cancelled, "transcription cancelled");
    }
    if (status != 0) {
      std::string detail = take_whisper_log().summary();
      // A failed run may leave the state half-written; drop it rather than reuse it.
      throw Error(ErrorCode::engine_failed, "parakeet.cpp failed with status " + std::to_string(status) +
                                                (detail.empty() ? "" : ": " + detail));
    }
    states_.release(std::move(state));
    run.segments.finish();
    if (callbacks.on_progress) callbacks.on_progress(1.0f);
    return transcript;
  }

 private:
  parakeet_full_params make_params(const EngineOptions& options, RunContext& run) {
    parakeet_full_params params = parakeet_full_default_params(PARAKEET_SAMPLING_GREEDY);
    params.n_threads = options.threads;
    params.no_context = true;  // states are pooled: each call starts from a clean decoder
    params.new_token_callback = [](parakeet_context* ctx, parakeet_state*,
                                   const parakeet_token_data* token, void* data) {
      on_token(ctx, *token, *static_cast<RunContext*>(data));
    };
    params.new_token_callback_user_data = &run;
    // ggml polls this between graph nodes, and the decoder before each step.
    params.abort_callback = [](void* data) { return static_cast<RunContext*>(data)->stop.stop_requested(); };
    params.abort_callback_user_data = &run;
    params.encoder_begin_callback = [](parakeet_context*, parakeet_state*, void* data) {
      return !static_cast<RunContext*>(data)->stop.stop_requested();
    };
    params.encoder_begin_callback_user_data = &run;
    return params;
  }

  static void on_token(parakeet_context* ctx, const parakeet_token_data& token, RunContext& run) {
    const char* piece = parakeet_token_to_str(ctx, token.id);
    std::int64_t t0 = token.t0, t1 = token.t1;
    if (is_punctuation_piece(piece)) {
      if (run.last_spoken_end >= 0) t0 = t1 = run.last_spoken_end;
    } else {
      run.last_spoken_end = t1;
    }
    std::array<char, 256> text{};
    parakeet_token_to_text(piece, run.first_token, text.data(), static_cast<int>(text.size()));
    run.first_token = false;
    if (text[0] != '\0') {
      run.segments.add({text.data(), static_cast<double>(t0) * kSecondsPerMelFrame,
                        static_cast<double>(t1) * kSecondsPerMelFrame, token.p});
    }
    // The encoder has run by the time tokens come; the decoder walks the frames.
    if (run.callbacks->on_progress && run.total_mel_frames > 0) {
      const double decoded = std::min(1.0, static_cast<double>(token.t1) / run.total_mel_frames);
      run.callbacks->on_progress(static_cast<float>(0.5 + 0.5 * decoded));
    }
  }

  StatePtr acquire_state() {
    return states_.acquire([this] {
      StatePtr state(parakeet_init_state(ctx_.get()));
      if (!state) {
        throw Error(ErrorCode::engine_failed,
                    "could not allocate a parakeet.cpp state: " + take_whisper_log().summary());
      }
      return state;
    });
  }

  ParakeetContextPtr ctx_;
  std::filesystem::path path_;
  bool english_only_;
  IdlePool<StatePtr> states_;
};

}  // namespace

const std::vector<std::string>& parakeet_languages() {
  // parakeet-tdt-0.6b-v3's model card: 25 European languages.
  static const std::vector<std::string> languages = {
      "bg", "cs", "da", "de", "el", "en", "es", "et", "fi", "fr", "hr", "hu", "it",
      "lt", "lv", "mt", "nl", "pl", "pt", "ro", "ru", "sk", "sl", "sv", "uk"};
  return languages;
}

void check_parakeet_options(const EngineOptions& options, bool english_only) {
  auto refuse = [](const std::string& why) { throw Error(ErrorCode::invalid_argument, why); };
  // Each message names the CLI flag and, in brackets, the API field.
  if (options.translate) {
    refuse("--translate (task=translate): the parakeet engine only transcribes; the whisper engine translates");
  }
  if (!options.initial_prompt.empty()) {
    refuse("--prompt (prompt): the parakeet engine takes no prompt; the whisper engine does");
  }
  if (options.beam_size > 1) {
    refuse("--beam-size (beam_size) " + std::to_string(options.beam_size) +
           ": the parakeet engine decodes greedily only (beam size 1)");
  }
  if (options.temperature > 0) {
    refuse("--temperature (temperature): the parakeet engine does not sample; only 0 is possible");
  }
  if (options.vad) refuse("--vad (vad): works with the whisper engine only");
  if (options.language == "auto") return;
  if (english_only && options.language != "en") {
    refuse("--language (language): this Parakeet model is English-only; it cannot transcribe '" +
           options.language + "'");
  }
  const auto& known = parakeet_languages();
  if (std::find(known.begin(), known.end(), options.language) == known.end()) {
    std::string list;
    for (const auto& code : known) list += (list.empty() ? "" : ", ") + code;
    refuse("--language (language): Parakeet cannot transcribe '" + options.language + "' (it knows " + list +
           ", or auto)");
  }
}

std::unique_ptr<Engine> make_parakeet_engine(const std::filesystem::path& model_path) {
  return std::make_unique<ParakeetEngine>(load_parakeet_model(model_path, /*use_gpu=*/true), model_path);
}

}  // namespace soundscripter
