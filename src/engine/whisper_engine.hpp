// The whisper.cpp engine: one loaded model shared by every call.
//
// whisper.cpp keeps weights in a whisper_context and the per-run buffers in
// a whisper_state, so concurrent calls each take a state from a small pool
// and never share one: N workers cost one model plus N states, and there is
// no global mutex around inference (the whisper.cpp server's bottleneck).
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "engine/engine.hpp"

namespace soundscripter {

// Throws Error(not_found) or Error(model_invalid) when the model does not load.
std::unique_ptr<Engine> make_whisper_engine(const std::filesystem::path& model_path);

// Every language code whisper.cpp knows ("en", "zh", "de", ...), in its order.
std::vector<std::string> whisper_languages();

}  // namespace soundscripter
