// Engine: turns 16 kHz mono samples into a Transcript.
//
// An engine is loaded once (a Whisper model is hundreds of MB) and then
// transcribe() is called for each piece of audio, possibly from several
// threads at once; each implementation keeps per-call state of its own.
// Times in the returned transcript are relative to the first sample given.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <stop_token>
#include <string>
#include <vector>

#include "transcript/transcript.hpp"

namespace soundscripter {

struct EngineOptions {
  int threads = 4;
  std::string language = "auto";  // ISO code, or "auto" to detect
  bool translate = false;         // to English
  bool word_timestamps = false;
  std::string initial_prompt;
  float temperature = 0.0f;
  int beam_size = 0;              // 0 = the engine's default (whisper: 5); 1 = greedy
  int best_of = 5;                // candidates when sampling with temperature
  bool no_fallback = false;       // no retries at higher temperatures
  int max_text_context = -1;      // tokens of previous text used as prompt; -1 = model's
  bool vad = false;               // skip non-speech with Silero VAD
  std::string vad_model;          // path to the ggml Silero model; empty = the bundled one
};

struct EngineCallbacks {
  std::function<void(float fraction)> on_progress;           // 0..1 of this call's audio
  // As each one is decoded: every segment of the returned transcript once,
  // in order, as it is there (a split job's live events count on that).
  std::function<void(const Segment& segment)> on_segment;
};

class Engine {
 public:
  virtual ~Engine() = default;

  // "whisper", "parakeet" or "sphinx".
  virtual std::string name() const = 0;

  // A description of the loaded model, e.g. "ggml-base.en.bin (base, en)".
  virtual std::string model_description() const = 0;

  // Transcribes samples. Honours stop within one second by throwing
  // Error(cancelled). Throws Error(invalid_argument) for options it cannot
  // honour and Error(engine_failed) when the engine itself fails.
  virtual Transcript transcribe(std::span<const float> samples, const EngineOptions& options,
                                const EngineCallbacks& callbacks, std::stop_token stop) = 0;

  // How long a chunk of a long file should be when the user does not say
  // (ChunkingOptions::kEngineDefault): as long as memory and accuracy allow.
  virtual double default_chunk_seconds() const { return 300; }

  // The language transcribe() would use for these samples with these
  // options (detecting it when options.language is "auto"), so that the
  // other chunks of a split file can be given the one detected in the
  // first, as a single run gives them. "" when the engine cannot tell
  // without transcribing; the default.
  virtual std::string detect_language(std::span<const float> /*samples*/,
                                      const EngineOptions& /*options*/) {
    return "";
  }
};

struct EngineSpec {
  std::string engine;  // "whisper", "parakeet", "sphinx", or "" to choose by the model file
  std::string model;   // a model name ("base.en"), a path, or "" for the default
};

// Whether whisper.cpp knows this language code ("en", "de", ...).
bool is_known_language(const std::string& code);

// Whisper's lower-case English name for a code ("en" -> "english"), as
// OpenAI's verbose_json spells it; the code itself when Whisper has none.
std::string language_name(const std::string& code);

// The language codes the engine can be asked for with a model that is
// multilingual or not (whisper: every whisper.cpp language, or "en"; parakeet:
// v3's 25, or "en"; sphinx: "en"), "auto" not included; and whether it
// translates. What the capabilities endpoint and the page offer.
std::vector<std::string> engine_languages(const std::string& engine, bool multilingual);
bool engine_translates(const std::string& engine, bool multilingual);

// "whisper", "parakeet", "sphinx": what EngineSpec::engine may name.
const std::vector<std::string>& engine_names();

// Throws Error(invalid_argument) naming an option the engine cannot honour,
// where that is known without its model file (sphinx's and parakeet's
// limits); what depends on a model is checked when it is loaded.
void check_engine_options(const std::string& engine, const EngineOptions& options);

// The engine a model name or path is for ("whisper", "parakeet"), read off
// its file; "" when it names no installed file.
std::string engine_for_model(const std::string& model);

// Loads the engine the spec names. Throws Error(not_found) for a model that
// is not installed and Error(model_invalid) for one that does not load.
std::unique_ptr<Engine> load_engine(const EngineSpec& spec);

}  // namespace soundscripter
