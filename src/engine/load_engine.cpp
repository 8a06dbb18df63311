// Chooses and loads an engine from an EngineSpec: the one place that knows
// every engine.
#include "engine/engine.hpp"

#include "engine/sphinx_engine.hpp"
#include "engine/whisper_engine.hpp"
#include "models/model_catalog.hpp"
#include "util/error.hpp"

namespace soundscripter {
namespace {

std::filesystem::path whisper_model_path(const std::string& model) {
  if (model.empty()) {
    if (auto found = default_model()) return *found;
    throw Error(ErrorCode::not_found,
                "no Whisper model is installed in " + models_dir().string() +
                    "; run `soundscripter models fetch base.en`, or use --engine sphinx");
  }
  if (auto found = resolve_model(model)) return *found;
  std::string hint = find_known_model(model)
                         ? "; run `soundscripter models fetch " + model + "`"
                         : "; give a known name (see `soundscripter models list`) or a path";
  throw Error(ErrorCode::not_found,
              "model '" + model + "' is not installed in " + models_dir().string() + hint);
}

}  // namespace

std::unique_ptr<Engine> load_engine(const EngineSpec& spec) {
  if (spec.engine == "sphinx") {
    if (!spec.model.empty()) {
      throw Error(ErrorCode::invalid_argument, "the sphinx engine takes no --model");
    }
    return make_sphinx_engine();
  }
  if (spec.engine == "whisper") return make_whisper_engine(whisper_model_path(spec.model));
  if (!spec.engine.empty()) {
    throw Error(ErrorCode::invalid_argument,
                "unknown engine '" + spec.engine + "' (known: whisper, sphinx)");
  }
  // No engine named: Whisper when a model is at hand, else the no-download fallback.
  if (!spec.model.empty()) return make_whisper_engine(whisper_model_path(spec.model));
  if (auto found = default_model()) return make_whisper_engine(*found);
  return make_sphinx_engine();
}

}  // namespace soundscripter
