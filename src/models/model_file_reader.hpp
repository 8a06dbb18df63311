// Feeds a ggml model file to whisper.cpp's or parakeet.cpp's loader and
// watches for reads past its end.
//
// Both loaders stop at the first tensor header they cannot read and only
// check that every tensor was seen, so a file cut inside its last tensor
// would load with garbage weights. A whole file ends with exactly one failed
// attempt to read the next tensor header (three 4-byte fields); anything
// else means the file ends early.
#pragma once

#include <cstddef>
#include <filesystem>
#include <fstream>
#include <string>

#include "models/whisper_log.hpp"

namespace soundscripter {

class ModelFileReader {
 public:
  // Throws Error(not_found) for a missing file and Error(model_invalid) for
  // a directory, an empty file or one that cannot be opened; `kind` names
  // what the file should be ("Whisper model") in those messages.
  ModelFileReader(const std::filesystem::path& path, const std::string& kind);

  // The loader callbacks (whisper_model_loader and parakeet_model_loader
  // have the same three), with `this` as their context.
  static std::size_t read(void* context, void* output, std::size_t size);
  static bool eof(void* context);
  static void close(void* context);

  bool ended_cleanly() const { return short_reads_ == 3 && !short_read_inside_data_; }

  // Why the load that read through this reader is unusable, "" when it is
  // not: nothing loaded (what `library` logged), no weights, or a file that
  // ends early. `log`: the library's lines from the load.
  std::string problem_after_load(bool loaded, const WhisperLogLines& log, const std::string& library) const;

 private:
  std::ifstream in_;
  int short_reads_ = 0;
  bool short_read_inside_data_ = false;
};

// Fills a loader struct (whisper_model_loader, parakeet_model_loader) with
// the reader's callbacks.
template <typename Loader>
Loader model_loader_for(ModelFileReader& reader) {
  Loader loader{};
  loader.context = &reader;
  loader.read = &ModelFileReader::read;
  loader.eof = &ModelFileReader::eof;
  loader.close = &ModelFileReader::close;
  return loader;
}

}  // namespace soundscripter
