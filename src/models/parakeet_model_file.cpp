#include "models/parakeet_model_file.hpp"

#include <parakeet.h>

#include "models/model_family.hpp"
#include "models/model_file_reader.hpp"
#include "models/whisper_log.hpp"
#include "util/error.hpp"

namespace soundscripter {

void ParakeetContextDeleter::operator()(parakeet_context* ctx) const { parakeet_free(ctx); }

ParakeetContextPtr load_parakeet_model(const std::filesystem::path& path, bool use_gpu) {
  const std::string name = path.string();
  ModelFileReader reader(path, "Parakeet model");
  const std::string prefix = name + ": not a usable Parakeet model: ";
  // parakeet.cpp would read a Whisper file's numbers as its own and fail in
  // some later, less telling way (or allocate for nonsense shapes).
  if (sniff_model_family(path) == ModelFamily::whisper) {
    throw Error(ErrorCode::model_invalid, prefix + "it is a Whisper model (use --engine whisper)");
  }
  parakeet_model_loader loader = model_loader_for<parakeet_model_loader>(reader);
  parakeet_context_params params = parakeet_context_default_params();
  params.use_gpu = use_gpu;  // only has an effect when built with a GPU backend

  install_whisper_log();
  take_whisper_log();
  ParakeetContextPtr context(parakeet_init_with_params_no_state(&loader, params));
  const std::string problem = reader.problem_after_load(context != nullptr, take_whisper_log(), "parakeet.cpp");
  if (!problem.empty()) throw Error(ErrorCode::model_invalid, prefix + problem);
  return context;
}

}  // namespace soundscripter
