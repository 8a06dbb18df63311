// Downloads a known model over HTTP(S) into the models directory, resuming
// a partial download and checking the published size and checksum (SHA-1 for
// Whisper's files, SHA-256 for Parakeet's) before the file is put in place.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>

#include "models/model_catalog.hpp"

namespace soundscripter {

struct FetchProgress {
  std::uint64_t received = 0;  // bytes of the file on disk so far
  std::uint64_t total = 0;     // 0 when the server does not say
  double bytes_per_second = 0;
};

struct FetchOptions {
  // Where ggml-NAME.bin is fetched from: $SOUNDSCRIPTER_MODELS_URL, else
  // the model's repository on huggingface.co.
  std::string base_url;
  std::function<void(const FetchProgress&)> on_progress;
};

// The base URL used for this model when FetchOptions::base_url is empty.
std::string models_base_url(const KnownModel& model);

// Returns the path of the installed model. Throws Error(backend_unavailable)
// for network failures and Error(model_invalid) for a checksum mismatch
// (the bad file is removed).
std::filesystem::path fetch_model(const KnownModel& model, const std::filesystem::path& dir,
                                  const FetchOptions& options);

}  // namespace soundscripter
