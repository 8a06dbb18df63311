// inspect_model: loads a ggml model with the engine its header names and
// reports its shape. Loading the whole file (rather than parsing its header
// ourselves) is the point: a file passes only if the engine would accept it too.
#include "models/model_check.hpp"

#include <parakeet.h>
#include <whisper.h>

#include "models/parakeet_model_file.hpp"
#include "models/whisper_model_file.hpp"

namespace soundscripter {
namespace {

ModelShape inspect_parakeet_model(const std::filesystem::path& path) {
  ParakeetContextPtr context = load_parakeet_model(path, /*use_gpu=*/false);
  parakeet_context* ctx = context.get();
  ModelShape shape;
  shape.family = ModelFamily::parakeet;
  shape.type = "Parakeet TDT";
  shape.n_vocab = parakeet_model_n_vocab(ctx);
  shape.multilingual = !is_english_only_parakeet(shape.n_vocab);
  shape.n_audio_ctx = parakeet_model_n_audio_ctx(ctx);
  shape.n_audio_state = parakeet_model_n_audio_state(ctx);
  shape.n_audio_head = parakeet_model_n_audio_head(ctx);
  shape.n_audio_layer = parakeet_model_n_audio_layer(ctx);
  shape.n_mels = parakeet_model_n_mels(ctx);
  shape.ftype = parakeet_model_ftype(ctx);
  return shape;
}

ModelShape inspect_whisper_model(const std::filesystem::path& path) {
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
  return shape;
}

}  // namespace

ModelShape inspect_model(const std::filesystem::path& path) {
  // Checking a file needs no accelerator, and must not fail for want of one.
  // A file of no known family goes to the Whisper loader, which says why.
  ModelShape shape = sniff_model_family(path) == ModelFamily::parakeet ? inspect_parakeet_model(path)
                                                                        : inspect_whisper_model(path);
  shape.file_size = std::filesystem::file_size(path);
  return shape;
}

}  // namespace soundscripter
