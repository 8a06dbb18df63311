// inspect_model: loads a ggml Whisper model with whisper.cpp and reports its
// shape, or says in words why the file is not a usable model.
//
// Loading the whole file (rather than parsing its header ourselves) is the
// point: a file passes only if whisper.cpp itself would accept it, so `models
// check` and the engine can never disagree.

#include "models/model_check.hpp"

#include <whisper.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <memory>
#include <mutex>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

#include "util/error.hpp"

namespace soundscripter {
namespace {

// Keeps whisper.cpp quiet while one model loads and remembers the error and
// warning lines it logged, to explain a failure.
//
// whisper.cpp has a single process-wide log callback. While installed, lines
// from other threads (an engine decoding elsewhere) go on to the callback that
// was there before, and that callback is put back afterwards unless someone
// replaced ours in the meantime.
class LoadLogCapture {
 public:
  LoadLogCapture() : loading_thread_(std::this_thread::get_id()) {
    ggml_log_get(&previous_callback_, &previous_user_data_);
    whisper_log_set(&LoadLogCapture::on_log, this);
  }
  ~LoadLogCapture() {
    ggml_log_callback current_callback = nullptr;
    void* current_user_data = nullptr;
    ggml_log_get(&current_callback, &current_user_data);
    if (current_callback == &LoadLogCapture::on_log && current_user_data == this) {
      whisper_log_set(previous_callback_, previous_user_data_);
    }
  }
  LoadLogCapture(const LoadLogCapture&) = delete;
  LoadLogCapture& operator=(const LoadLogCapture&) = delete;

  // The last few error lines, joined; whisper.cpp's final "failed to load
  // model" is the least telling, so it is left out when there are others.
  std::string errors() const {
    std::lock_guard lock(mutex_);
    std::vector<std::string> telling;
    for (const auto& line : errors_) {
      if (line.find("failed to load model") == std::string::npos) telling.push_back(line);
    }
    const auto& chosen = telling.empty() ? errors_ : telling;
    std::string joined;
    const std::size_t first = chosen.size() > 3 ? chosen.size() - 3 : 0;
    for (std::size_t i = first; i < chosen.size(); ++i) joined += (joined.empty() ? "" : "; ") + chosen[i];
    return joined;
  }

  bool warned(std::string_view fragment) const {
    std::lock_guard lock(mutex_);
    return std::any_of(warnings_.begin(), warnings_.end(),
                       [&](const std::string& line) { return line.find(fragment) != std::string::npos; });
  }

 private:
  static void on_log(ggml_log_level level, const char* text, void* user_data) {
    auto* self = static_cast<LoadLogCapture*>(user_data);
    if (std::this_thread::get_id() != self->loading_thread_) {
      if (self->previous_callback_) self->previous_callback_(level, text, self->previous_user_data_);
      return;
    }
    if (level != GGML_LOG_LEVEL_ERROR && level != GGML_LOG_LEVEL_WARN) return;
    std::string line(text ? text : "");
    while (!line.empty() && (line.back() == '\n' || line.back() == ' ')) line.pop_back();
    if (line.empty()) return;
    std::lock_guard lock(self->mutex_);
    auto& lines = level == GGML_LOG_LEVEL_ERROR ? self->errors_ : self->warnings_;
    if (lines.size() < 64) lines.push_back(std::move(line));
  }

  std::thread::id loading_thread_;
  ggml_log_callback previous_callback_ = nullptr;
  void* previous_user_data_ = nullptr;
  mutable std::mutex mutex_;
  std::vector<std::string> errors_;
  std::vector<std::string> warnings_;
};

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

// Serialises checks: the capture above swaps a process-wide callback, and two
// checks at once would each restore the other's.
std::mutex g_check_mutex;

struct ContextDeleter {
  void operator()(whisper_context* context) const { whisper_free(context); }
};

}  // namespace

ModelShape inspect_model(const std::filesystem::path& path) {
  const std::string name = path.string();
  std::error_code error;
  const auto status = std::filesystem::status(path, error);
  if (!std::filesystem::exists(status)) throw Error(ErrorCode::not_found, name + ": no such model file");
  if (std::filesystem::is_directory(status)) {
    throw Error(ErrorCode::model_invalid, name + ": is a directory, not a model file");
  }
  const std::uintmax_t file_size = std::filesystem::file_size(path, error);
  if (error) throw Error(ErrorCode::model_invalid, name + ": cannot read: " + error.message());
  if (file_size == 0) throw Error(ErrorCode::model_invalid, name + ": is empty, not a Whisper model");

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
  params.use_gpu = false;  // checking a file needs no accelerator, and must not fail for want of one

  std::unique_ptr<whisper_context, ContextDeleter> context;
  std::string load_errors;
  bool holds_no_weights = false;
  {
    std::lock_guard lock(g_check_mutex);
    LoadLogCapture capture;
    context.reset(whisper_init_with_params_no_state(&loader, params));
    load_errors = capture.errors();
    holds_no_weights = capture.warned("no tensors loaded");
  }

  if (!context) {
    throw Error(ErrorCode::model_invalid, name + ": not a usable Whisper model: " +
                                              (load_errors.empty() ? "whisper.cpp could not load it" : load_errors));
  }
  if (holds_no_weights) {
    throw Error(ErrorCode::model_invalid, name + ": not a usable Whisper model: it holds no weights (cut short?)");
  }
  if (!reader.ended_cleanly()) {
    throw Error(ErrorCode::model_invalid,
                name + ": not a usable Whisper model: the file ends early, inside its weights (truncated download?)");
  }

  ModelShape shape;
  whisper_context* ctx = context.get();
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
  shape.file_size = file_size;
  return shape;
}

}  // namespace soundscripter
