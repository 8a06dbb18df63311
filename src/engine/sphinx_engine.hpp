// The PocketSphinx engine: CMU PocketSphinx with Debian's en-us model.
//
// Low accuracy, English only, but it needs no download, so a fresh machine
// can transcribe before any Whisper model is fetched.
#pragma once

#include <memory>

#include "engine/engine.hpp"

namespace soundscripter {

// Throws Error(not_found) when Debian's pocketsphinx-en-us model is missing.
std::unique_ptr<Engine> make_sphinx_engine();

// What the sphinx engine cannot do (translate, VAD, a language but
// English), checked again before a job is queued so that such a job is
// refused at upload rather than failing later. Throws Error(invalid_argument).
void check_sphinx_options(const EngineOptions& options);

}  // namespace soundscripter
