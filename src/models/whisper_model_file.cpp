#include "models/whisper_model_file.hpp"

#include <whisper.h>

#include "models/model_family.hpp"
#include "models/model_file_reader.hpp"
#include "models/whisper_log.hpp"
#include "util/error.hpp"

namespace soundscripter {

void WhisperContextDeleter::operator()(whisper_context* ctx) const { whisper_free(ctx); }

WhisperContextPtr load_whisper_model(const std::filesystem::path& path, bool use_gpu) {
  const std::string name = path.string();
  ModelFileReader reader(path, "Whisper model");
  const std::string prefix = name + ": not a usable Whisper model: ";
  if (sniff_model_family(path) == ModelFamily::parakeet) {
    throw Error(ErrorCode::model_invalid, prefix + "it is a Parakeet model (use --engine parakeet)");
  }
  whisper_model_loader loader = model_loader_for<whisper_model_loader>(reader);

  whisper_context_params params = whisper_context_default_params();
  params.use_gpu = use_gpu;  // only has an effect when whisper.cpp was built with a GPU backend
  params.flash_attn = true;  // whisper-cli's default

  install_whisper_log();
  take_whisper_log();
  WhisperContextPtr context(whisper_init_with_params_no_state(&loader, params));
  const std::string problem = reader.problem_after_load(context != nullptr, take_whisper_log(), "whisper.cpp");
  if (!problem.empty()) throw Error(ErrorCode::model_invalid, prefix + problem);
  return context;
}

}  // namespace soundscripter
