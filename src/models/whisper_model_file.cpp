#include "models/whisper_model_file.hpp"

#include <whisper.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <fstream>

#include "models/whisper_log.hpp"
#include "util/error.hpp"

namespace soundscripter {
namespace {

// Feeds whisper.cpp the file and watches for reads past its end.
//
// whisper.cpp stops at the first tensor header it cannot read and only checks
// that every tensor was seen, so a file cut inside its last tensor would load
// with garbage weights. A whole file ends with exactly one failed attempt to
// read the next tensor header (three 4-byte fields); anything else means the
// file ends early.
struct CountingFileReader {
  std::ifstream in;
  int short_reads = 0;
  bool short_read_inside_data = false;

  static size_t read(void* context, void* output, size_t size) {
    auto* self = static_cast<CountingFileReader*>(context);
    self->in.read(static_cast<char*>(output), static_cast<std::streamsize>(size));
    const auto got = static_cast<size_t>(std::max<std::streamsize>(self->in.gcount(), 0));
    if (got < size) {
      std::memset(static_cast<char*>(output) + got, 0, size - got);  // never hand over stale bytes
      ++self->short_reads;
      if (got != 0 || size != sizeof(std::int32_t)) self->short_read_inside_data = true;
    }
    return size;
  }
  static bool eof(void* context) { return static_cast<CountingFileReader*>(context)->in.eof(); }
  static void close(void* context) { static_cast<CountingFileReader*>(context)->in.close(); }

  bool ended_cleanly() const { return short_reads == 3 && !short_read_inside_data; }
};

}  // namespace

void WhisperContextDeleter::operator()(whisper_context* ctx) const { whisper_free(ctx); }

WhisperContextPtr load_whisper_model(const std::filesystem::path& path, bool use_gpu) {
  const std::string name = path.string();
  std::error_code error;
  const auto status = std::filesystem::status(path, error);
  if (!std::filesystem::exists(status)) throw Error(ErrorCode::not_found, name + ": no such model file");
  if (std::filesystem::is_directory(status)) {
    throw Error(ErrorCode::model_invalid, name + ": is a directory, not a model file");
  }
  if (std::filesystem::file_size(path, error) == 0 || error) {
    throw Error(ErrorCode::model_invalid, name + ": is empty, not a Whisper model");
  }
  CountingFileReader reader;
  reader.in.open(path, std::ios::binary);
  if (!reader.in) {
    throw Error(ErrorCode::model_invalid, name + ": cannot open: " + std::strerror(errno));
  }
  whisper_model_loader loader{};
  loader.context = &reader;
  loader.read = &CountingFileReader::read;
  loader.eof = &CountingFileReader::eof;
  loader.close = &CountingFileReader::close;

  whisper_context_params params = whisper_context_default_params();
  params.use_gpu = use_gpu;  // only has an effect when whisper.cpp was built with a GPU backend
  params.flash_attn = true;  // whisper-cli's default

  install_whisper_log();
  take_whisper_log();
  WhisperContextPtr context(whisper_init_with_params_no_state(&loader, params));
  const WhisperLogLines log = take_whisper_log();
  const std::string prefix = name + ": not a usable Whisper model: ";
  if (!context) {
    std::string why = log.summary();
    throw Error(ErrorCode::model_invalid, prefix + (why.empty() ? "whisper.cpp could not load it" : why));
  }
  if (log.warned("no tensors loaded")) {
    throw Error(ErrorCode::model_invalid, prefix + "it holds no weights (cut short?)");
  }
  if (!reader.ended_cleanly()) {
    throw Error(ErrorCode::model_invalid,
                prefix + "the file ends early, inside its weights (truncated download?)");
  }
  return context;
}

}  // namespace soundscripter
