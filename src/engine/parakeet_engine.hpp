// The Parakeet TDT engine (NVIDIA's FastConformer transducer, through the
// parakeet.cpp that ships with whisper.cpp): one loaded model shared by
// every call, each call on a state of its own, as the Whisper engine does.
//
// Parakeet transcribes only: greedy decoding, no prompt, no translation, no
// sampling, no VAD. Those options are refused by name rather than ignored.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "engine/engine.hpp"

namespace soundscripter {

// Throws Error(not_found) or Error(model_invalid) when the model does not load.
std::unique_ptr<Engine> make_parakeet_engine(const std::filesystem::path& model_path);

// The languages a multilingual Parakeet model (TDT 0.6B v3) transcribes.
const std::vector<std::string>& parakeet_languages();

// Throws Error(invalid_argument) naming the first option Parakeet cannot
// honour; english_only for a 1024-piece (v2, English) model.
void check_parakeet_options(const EngineOptions& options, bool english_only = false);

}  // namespace soundscripter
