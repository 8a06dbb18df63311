#include "engine/whisper_engine.hpp"

#include <whisper.h>

#include <vector>

#include "engine/text_util.hpp"
#include "media/audio_decoder.hpp"
#include "models/whisper_log.hpp"
#include "models/whisper_model_file.hpp"
#include "util/error.hpp"
#include "util/idle_pool.hpp"

namespace soundscripter {
namespace {

constexpr double kCentisecond = 0.01;  // whisper.cpp's unit of time
constexpr int kDefaultBeamSize = 5;    // whisper-cli's

struct StateDeleter {
  void operator()(whisper_state* state) const { whisper_free_state(state); }
};
using StatePtr = std::unique_ptr<whisper_state, StateDeleter>;

// What one whisper_full call needs from its callbacks.
struct RunContext {
  whisper_context* ctx;
  const EngineCallbacks* callbacks;
  const EngineOptions* options;
  std::stop_token stop;
  int segments_reported = 0;
};

class WhisperEngine final : public Engine {
 public:
  WhisperEngine(WhisperContextPtr ctx, std::filesystem::path path)
      : ctx_(std::move(ctx)), path_(std::move(path)) {}

  std::string name() const override { return "whisper"; }

  std::string model_description() const override {
    return path_.filename().string() + " (" + whisper_model_type_readable(ctx_.get()) +
           (whisper_is_multilingual(ctx_.get()) ? ", multilingual)" : ", English-only)");
  }

  Transcript transcribe(std::span<const float> samples, const EngineOptions& options,
                        const EngineCallbacks& callbacks, std::stop_token stop) override {
    if (options.translate && !whisper_is_multilingual(ctx_.get())) {
      throw Error(ErrorCode::invalid_argument,
                  "translation needs a multilingual model; " + path_.filename().string() +
                      " is English-only");
    }
    if (options.language != "auto" && whisper_lang_id(options.language.c_str()) < 0) {
      throw Error(ErrorCode::invalid_argument, "unknown language '" + options.language + "'");
    }
    std::error_code ec;
    if (options.vad && !std::filesystem::is_regular_file(options.vad_model, ec)) {
      throw Error(ErrorCode::not_found, "VAD model '" + options.vad_model + "' not found");
    }
    EngineOptions effective = options;
    if (!whisper_is_multilingual(ctx_.get())) {
      // Language detection needs the multilingual vocabulary; an English-only
      // model can only mean English.
      if (options.language != "auto" && options.language != "en") {
        throw Error(ErrorCode::invalid_argument,
                    path_.filename().string() + " is English-only; it cannot transcribe '" +
                        options.language + "'");
      }
      effective.language = "en";
    }
    Transcript transcript;
    transcript.duration = static_cast<double>(samples.size()) / kSampleRate;
    if (samples.size() < kSampleRate / 10) {  // whisper.cpp refuses under 100 ms
      transcript.language = effective.language == "auto" ? "" : effective.language;
      return transcript;
    }
    StatePtr state = acquire_state();
    RunContext run{ctx_.get(), &callbacks, &effective, stop};
    whisper_full_params params = make_params(effective, run);
    take_whisper_log();  // so a failure below reports only its own lines

    int status = whisper_full_with_state(ctx_.get(), state.get(), params, samples.data(),
                                         static_cast<int>(samples.size()));
    if (stop.stop_requested()) {
      release_state(std::move(state));
      throw Error(ErrorCode::cancelled, "transcription cancelled");
    }
    if (status != 0) {
      std::string detail = take_whisper_log().summary();
      // A failed run may leave the state half-written; drop it rather than reuse it.
      throw Error(ErrorCode::engine_failed, "whisper.cpp failed with status " +
                                                std::to_string(status) +
                                                (detail.empty() ? "" : ": " + detail));
    }
    flush_segments(state.get(), run);
    collect(state.get(), effective, transcript);
    release_state(std::move(state));
    return transcript;
  }

  std::string detect_language(std::span<const float> samples, const EngineOptions& options) override {
    if (!whisper_is_multilingual(ctx_.get())) return "en";
    if (options.language != "auto") return options.language;
    // With VAD, whisper.cpp detects on the speech it keeps, not on these
    // samples; too short, and transcribe() detects nothing.
    if (options.vad || samples.size() < kSampleRate / 10) return "";
    // As whisper_full does: the mel of all the samples (its scale depends
    // on the loudest moment anywhere), then detection on its first 30 s.
    StatePtr state = acquire_state();
    std::string language;
    if (whisper_pcm_to_mel_with_state(ctx_.get(), state.get(), samples.data(),
                                      static_cast<int>(samples.size()), options.threads) == 0) {
      std::vector<float> probabilities(static_cast<std::size_t>(whisper_lang_max_id()) + 1, 0.0f);
      const int id = whisper_lang_auto_detect_with_state(ctx_.get(), state.get(), 0, options.threads,
                                                         probabilities.data());
      if (id >= 0) language = whisper_lang_str(id);
    }
    release_state(std::move(state));
    return language;
  }

 private:
  // Mirrors whisper-cli's defaults, so the same options give the same text.
  whisper_full_params make_params(const EngineOptions& options, RunContext& run) const {
    const int beam_size = options.beam_size > 0 ? options.beam_size : kDefaultBeamSize;
    auto strategy = beam_size > 1 ? WHISPER_SAMPLING_BEAM_SEARCH : WHISPER_SAMPLING_GREEDY;
    whisper_full_params params = whisper_full_default_params(strategy);
    params.print_progress = false;
    params.print_realtime = false;
    params.print_timestamps = false;
    params.print_special = false;
    params.translate = options.translate;
    params.language = options.language.c_str();
    params.detect_language = false;
    params.n_threads = options.threads;
    if (options.max_text_context >= 0) params.n_max_text_ctx = options.max_text_context;
    params.token_timestamps = options.word_timestamps;
    params.thold_pt = 0.01f;
    params.greedy.best_of = options.best_of;
    params.beam_search.beam_size = beam_size;
    params.temperature = options.temperature;
    params.temperature_inc = options.no_fallback ? 0.0f : 0.2f;
    params.entropy_thold = 2.40f;
    params.logprob_thold = -1.00f;
    params.no_speech_thold = 0.6f;
    params.initial_prompt = options.initial_prompt.empty() ? nullptr : options.initial_prompt.c_str();
    params.vad = options.vad;
    params.vad_model_path = options.vad ? options.vad_model.c_str() : nullptr;

    params.new_segment_callback = [](whisper_context*, whisper_state* state, int, void* data) {
      flush_segments(state, *static_cast<RunContext*>(data));
    };
    params.new_segment_callback_user_data = &run;
    params.progress_callback = [](whisper_context*, whisper_state*, int percent, void* data) {
      auto& r = *static_cast<RunContext*>(data);
      if (r.callbacks->on_progress) r.callbacks->on_progress(static_cast<float>(percent) / 100.0f);
    };
    params.progress_callback_user_data = &run;
    // ggml polls this between graph nodes, so a stop lands within a fraction of a second.
    params.abort_callback = [](void* data) {
      return static_cast<RunContext*>(data)->stop.stop_requested();
    };
    params.abort_callback_user_data = &run;
    params.encoder_begin_callback = [](whisper_context*, whisper_state*, void* data) {
      return !static_cast<RunContext*>(data)->stop.stop_requested();
    };
    params.encoder_begin_callback_user_data = &run;
    return params;
  }

  static Segment read_segment(whisper_context* ctx, whisper_state* state, int index,
                              bool with_words) {
    Segment segment;
    segment.start = whisper_full_get_segment_t0_from_state(state, index) * kCentisecond;
    segment.end = whisper_full_get_segment_t1_from_state(state, index) * kCentisecond;
    segment.text = trim_text(whisper_full_get_segment_text_from_state(state, index));
    if (!with_words) return segment;

    const whisper_token eot = whisper_token_eot(ctx);
    const int n_tokens = whisper_full_n_tokens_from_state(state, index);
    std::vector<WordPiece> pieces;
    for (int i = 0; i < n_tokens; ++i) {
      whisper_token_data data = whisper_full_get_token_data_from_state(state, index, i);
      if (data.id >= eot) continue;  // timestamps and other special tokens
      pieces.push_back({whisper_full_get_token_text_from_state(ctx, state, index, i),
                        data.t0 * kCentisecond, data.t1 * kCentisecond, data.p});
    }
    segment.words = join_word_pieces(pieces);
    return segment;
  }

  static void flush_segments(whisper_state* state, RunContext& run) {
    const int total = whisper_full_n_segments_from_state(state);
    for (; run.segments_reported < total; ++run.segments_reported) {
      if (!run.callbacks->on_segment) continue;
      Segment segment = read_segment(run.ctx, state, run.segments_reported, run.options->word_timestamps);
      // Left out of the transcript (collect), so not reported either.
      if (!segment.text.empty()) run.callbacks->on_segment(segment);
    }
  }

  void collect(whisper_state* state, const EngineOptions& options, Transcript& transcript) const {
    transcript.language = whisper_lang_str(whisper_full_lang_id_from_state(state));
    const int total = whisper_full_n_segments_from_state(state);
    for (int i = 0; i < total; ++i) {
      Segment segment = read_segment(ctx_.get(), state, i, options.word_timestamps);
      if (!segment.text.empty()) transcript.segments.push_back(std::move(segment));
    }
  }

  StatePtr acquire_state() {
    return states_.acquire([this] {
      StatePtr state(whisper_init_state(ctx_.get()));
      if (!state) {
        throw Error(ErrorCode::engine_failed,
                    "could not allocate a whisper.cpp state: " + take_whisper_log().summary());
      }
      return state;
    });
  }

  void release_state(StatePtr state) { states_.release(std::move(state)); }

  WhisperContextPtr ctx_;
  std::filesystem::path path_;
  IdlePool<StatePtr> states_;
};

}  // namespace

std::vector<std::string> whisper_languages() {
  std::vector<std::string> codes;
  for (int id = 0; id <= whisper_lang_max_id(); ++id) codes.emplace_back(whisper_lang_str(id));
  return codes;
}

bool is_known_language(const std::string& code) {
  return !code.empty() && whisper_lang_id(code.c_str()) >= 0;
}

std::string language_name(const std::string& code) {
  return is_known_language(code) ? whisper_lang_str_full(whisper_lang_id(code.c_str())) : code;
}

std::unique_ptr<Engine> make_whisper_engine(const std::filesystem::path& model_path) {
  return std::make_unique<WhisperEngine>(load_whisper_model(model_path, /*use_gpu=*/true),
                                         model_path);
}

}  // namespace soundscripter
