// What the parakeet engine refuses, before any model is loaded: each refusal
// names the option, so the CLI and the API can say which one to drop.
#include <gtest/gtest.h>

#include "engine/parakeet_engine.hpp"
#include "util/error.hpp"

namespace soundscripter {
namespace {

std::string refusal(const EngineOptions& options, bool english_only = false) {
  try {
    check_parakeet_options(options, english_only);
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::invalid_argument);
    return error.what();
  }
  return "";
}

TEST(ParakeetOptions, RefusesWhatItCannotDoNamingTheOption) {
  EngineOptions translate;
  translate.translate = true;
  EXPECT_NE(refusal(translate).find("--translate"), std::string::npos);
  EngineOptions prompt;
  prompt.initial_prompt = "Kennedy";
  EXPECT_NE(refusal(prompt).find("--prompt"), std::string::npos);
  EngineOptions beam;
  beam.beam_size = 5;
  EXPECT_NE(refusal(beam).find("--beam-size"), std::string::npos);
  EngineOptions sampling;
  sampling.temperature = 0.4f;
  EXPECT_NE(refusal(sampling).find("--temperature"), std::string::npos);
  EngineOptions vad;
  vad.vad = true;
  EXPECT_NE(refusal(vad).find("--vad"), std::string::npos);
  EngineOptions japanese;
  japanese.language = "ja";
  EXPECT_NE(refusal(japanese).find("'ja'"), std::string::npos);
}

TEST(ParakeetOptions, TakesWhatItCanDo) {
  EngineOptions defaults;  // beam size 0: the engine's own (greedy)
  EXPECT_EQ(refusal(defaults), "");
  EngineOptions greedy;
  greedy.beam_size = 1;
  greedy.no_fallback = true;
  greedy.word_timestamps = true;
  EXPECT_EQ(refusal(greedy), "");
  for (const auto& code : parakeet_languages()) {
    EngineOptions language;
    language.language = code;
    EXPECT_EQ(refusal(language), "") << code;
  }
  EXPECT_EQ(parakeet_languages().size(), 25u);
}

TEST(ParakeetOptions, AnEnglishModelTakesEnglishAndAutoOnly) {
  EngineOptions german;
  german.language = "de";
  EXPECT_NE(refusal(german, /*english_only=*/true).find("English-only"), std::string::npos);
  EngineOptions english;
  english.language = "en";
  EXPECT_EQ(refusal(english, true), "");
  EXPECT_EQ(refusal(EngineOptions{}, true), "");
}

}  // namespace
}  // namespace soundscripter
