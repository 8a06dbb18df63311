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

}  // namespace soundscripter
