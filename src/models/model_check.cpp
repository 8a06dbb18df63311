// inspect_model: loads a ggml Whisper model with whisper.cpp and reports its
// shape. Loading the whole file (rather than parsing its header ourselves) is
// the point: a file passes only if the engine would accept it too.
#include "models/model_check.hpp"

#include <whisper.h>

#include "models/whisper_model_file.hpp"

namespace soundscripter {

ModelShape inspect_model(const std::filesystem::path& path) {
  // Checking a file needs no accelerator, and must not fail for want of one.
  WhisperContextPtr context = load_whisper_model(path, /*use_gpu=*/false);
  whisper_context* ctx = context.get();
  ModelShape shape;
  shape.type = whisper_model_type_readable(ctx);
  shape.multilingual = whisper_is_multilingual(ctx) != 0;
  shape.n_vocab = whisper_model_n_vocab(ctx);
  shape.n_audio_ctx = whisper_model_n_audio_ctx(ctx);
  shape.n_audio_state = whisper_model_n_audio_state(ctx);
  shape.n_audio_head = whisper_model_n_audio_head(ctx);
  shape.n_audio_layer = whisper_model_n_audio_layer(ctx);
  shape.n_text_ctx = whisper_model_n_text_ctx(ctx);
  shape.n_text_state = whisper_model_n_text_state(ctx);
  shape.n_text_head = whisper_model_n_text_head(ctx);
  shape.n_text_layer = whisper_model_n_text_layer(ctx);
  shape.n_mels = whisper_model_n_mels(ctx);
  shape.ftype = whisper_model_ftype(ctx);
  shape.file_size = std::filesystem::file_size(path);
  return shape;
}

}  // namespace soundscripter
