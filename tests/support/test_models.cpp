// Makes and caches the random-weight models of test_models.hpp.

#include "support/test_models.hpp"

#include <unistd.h>

#include <atomic>
#include <initializer_list>
#include <stdexcept>
#include <string>
#include <system_error>
#include <vector>

#include "engine/media_transcription.hpp"
#include "support/process.hpp"
#include "support/test_paths.hpp"
#include "worker/job_runner.hpp"

namespace soundscripter::test {
namespace {

std::filesystem::path cached_model_path(std::string_view shape, bool multilingual, int n_text_ctx) {
  std::string name = "random-" + std::string(shape);
  if (multilingual) name += "-multilingual";
  if (n_text_ctx > 0) name += "-ctx" + std::to_string(n_text_ctx);
  return test_data_dir() / "models" / (name + ".bin");
}

// A cached model made by an older tool (or from an older model) may not
// match what would be made now, so it is only reused when newer than every
// input.
bool is_fresh(const std::filesystem::path& model, std::initializer_list<std::filesystem::path> inputs) {
  std::error_code error;
  const auto model_time = std::filesystem::last_write_time(model, error);
  if (error) return false;
  for (const auto& input : inputs) {
    const auto input_time = std::filesystem::last_write_time(input, error);
    if (error || model_time < input_time) return false;
  }
  return true;
}

// Unique per process and call, so concurrent makers never write the same file;
// the last rename wins, and every candidate is a complete, identical model.
std::filesystem::path unique_partial_path(const std::filesystem::path& target) {
  static std::atomic<int> counter{0};
  auto partial = target;
  partial += "." + std::to_string(getpid()) + "." + std::to_string(counter++) + ".part";
  return partial;
}

// Runs `command`, which writes `partial`, then moves that into place.
void make_model(const std::vector<std::string>& command, const std::filesystem::path& partial,
                const std::filesystem::path& target) {
  const auto result = run_process(command, 300);
  if (result.exit_code != 0) {
    std::error_code ignored;
    std::filesystem::remove(partial, ignored);
    throw std::runtime_error(target.string() + ": " + std::filesystem::path(command.front()).filename().string() +
                             " failed (exit " + std::to_string(result.exit_code) + "): " + result.err);
  }
  std::filesystem::rename(partial, target);
}

}  // namespace

std::filesystem::path random_whisper_model(std::string_view shape, bool multilingual, int n_text_ctx) {
  const auto target = cached_model_path(shape, multilingual, n_text_ctx);
  if (is_fresh(target, {make_whisper_model_binary()})) return target;

  std::filesystem::create_directories(target.parent_path());
  const auto partial = unique_partial_path(target);
  std::vector<std::string> command = {make_whisper_model_binary().string(), "--shape", std::string(shape),
                                      "--out", partial.string()};
  if (multilingual) command.push_back("--multilingual");
  if (n_text_ctx > 0) {
    command.push_back("--n-text-ctx");
    command.push_back(std::to_string(n_text_ctx));
  }
  make_model(command, partial, target);
  return target;
}

std::filesystem::path random_parakeet_model() {
  const auto target = test_data_dir() / "models" / "random-parakeet-test.bin";
  if (is_fresh(target, {make_parakeet_model_binary()})) return target;

  std::filesystem::create_directories(target.parent_path());
  const auto partial = unique_partial_path(target);
  make_model({make_parakeet_model_binary().string(), "--shape", "test", "--output", partial.string()}, partial,
             target);
  return target;
}

namespace {

// SOURCE-TYPE.bin beside the source, made with whisper.cpp's quantize tool
// for its family (whisper-quantize, parakeet-quantize).
std::filesystem::path quantized_copy(const std::filesystem::path& source, const std::filesystem::path& tool,
                                     std::string_view type) {
  const auto target = source.parent_path() / (source.stem().string() + "-" + std::string(type) + ".bin");
  if (is_fresh(target, {source, tool})) return target;

  const auto partial = unique_partial_path(target);
  make_model({tool.string(), source.string(), partial.string(), std::string(type)}, partial, target);
  return target;
}

}  // namespace

std::filesystem::path quantized_parakeet_model(std::string_view type) {
  return quantized_copy(random_parakeet_model(), parakeet_quantize_binary(), type);
}

std::filesystem::path quantized_whisper_model(std::string_view type) {
  return quantized_copy(random_whisper_model("test"), whisper_quantize_binary(), type);
}

Transcript one_run_transcript(const std::filesystem::path& media, const std::filesystem::path& model,
                              double chunk_seconds) {
  JobRequest request;
  request.beam_size = 1;
  request.no_fallback = true;
  auto engine = load_engine({"whisper", model.string()});
  return transcribe_media(media, *engine, engine_options_for(request, 1), {chunk_seconds, 20}, {}, {});
}

}  // namespace soundscripter::test
