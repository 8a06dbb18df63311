// Chooses and loads an engine from an EngineSpec: the one place that knows
// every engine.
#include "engine/engine.hpp"

#include "engine/parakeet_engine.hpp"
#include "engine/sphinx_engine.hpp"
#include "engine/whisper_engine.hpp"
#include "models/model_catalog.hpp"
#include "util/error.hpp"

namespace soundscripter {
namespace {

std::filesystem::path model_path(const std::string& model, ModelFamily family) {
  const bool parakeet = family == ModelFamily::parakeet;
  if (model.empty()) {
    if (auto found = default_model(family)) return *found;
    throw Error(ErrorCode::not_found,
                std::string(parakeet ? "no Parakeet model" : "no Whisper model") + " is installed in " +
                    models_dir().string() + "; run `soundscripter models fetch " +
                    (parakeet ? "parakeet-tdt-0.6b-v3" : "base.en") + "`" +
                    (parakeet ? "" : ", or use --engine sphinx"));
  }
  if (auto found = resolve_model(model)) return *found;
  std::string hint = find_known_model(model)
                         ? "; run `soundscripter models fetch " + model + "`"
                         : "; give a known name (see `soundscripter models list`) or a path";
  throw Error(ErrorCode::not_found,
              "model '" + model + "' is not installed in " + models_dir().string() + hint);
}

std::unique_ptr<Engine> load_model_engine(const std::filesystem::path& path, ModelFamily family) {
  return family == ModelFamily::parakeet ? make_parakeet_engine(path) : make_whisper_engine(path);
}

}  // namespace

const std::vector<std::string>& engine_names() {
  static const std::vector<std::string> names = {"whisper", "parakeet", "sphinx"};
  return names;
}

std::string engine_for_model(const std::string& model) {
  const auto path = resolve_model(model);
  if (!path) return "";
  return sniff_model_family(*path) == ModelFamily::parakeet ? "parakeet" : "whisper";
}

std::vector<std::string> engine_languages(const std::string& engine, bool multilingual) {
  if (!multilingual || engine == "sphinx") return {"en"};
  if (engine == "parakeet") return parakeet_languages();
  return whisper_languages();
}

bool engine_translates(const std::string& engine, bool multilingual) {
  return engine == "whisper" && multilingual;
}

void check_engine_options(const std::string& engine, const EngineOptions& options) {
  if (engine == "sphinx") check_sphinx_options(options);
  if (engine == "parakeet") check_parakeet_options(options);
}

std::unique_ptr<Engine> load_engine(const EngineSpec& spec) {
  if (spec.engine == "sphinx") {
    if (!spec.model.empty()) {
      throw Error(ErrorCode::invalid_argument, "the sphinx engine takes no --model");
    }
    return make_sphinx_engine();
  }
  if (spec.engine == "whisper") return make_whisper_engine(model_path(spec.model, ModelFamily::whisper));
  if (spec.engine == "parakeet") return make_parakeet_engine(model_path(spec.model, ModelFamily::parakeet));
  if (!spec.engine.empty()) {
    throw Error(ErrorCode::invalid_argument,
                "unknown engine '" + spec.engine + "' (known: whisper, parakeet, sphinx)");
  }
  // No engine named: the model file's own, else Whisper when a model is at
  // hand, else the no-download fallback.
  if (!spec.model.empty()) {
    const auto path = model_path(spec.model, ModelFamily::whisper);
    return load_model_engine(path, sniff_model_family(path));
  }
  if (auto found = default_model()) return make_whisper_engine(*found);
  return make_sphinx_engine();
}

}  // namespace soundscripter
