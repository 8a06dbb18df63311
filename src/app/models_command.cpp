// `soundscripter models list|fetch|check`: what is known, what is installed,
// getting one, and looking inside a file.
//
// Results go to stdout (fetch prints the installed path, so scripts can use
// it); progress and errors go to stderr, errors as one `error: ...` line
// with exit status 1.
#include <cstdio>
#include <functional>
#include <memory>
#include <string>
#include <system_error>

#include "app/commands.hpp"
#include "app/progress_bar.hpp"
#include "models/model_catalog.hpp"
#include "models/model_check.hpp"
#include "models/model_fetch.hpp"
#include "util/error.hpp"

namespace soundscripter {
namespace {

namespace fs = std::filesystem;

std::uintmax_t size_or_zero(const fs::path& path) {
  std::error_code error;
  const auto size = fs::file_size(path, error);
  return error ? 0 : size;
}

bool is_file(const fs::path& path) {
  std::error_code error;
  return fs::is_regular_file(path, error);
}

std::string known_model_names() {
  std::string names;
  for (const auto& model : known_models()) {
    if (!names.empty()) names += ", ";
    names += model.name;
  }
  return names;
}

// "yes", "no", or how far a resumable download got.
std::string install_state(const KnownModel& model, const fs::path& dir) {
  const fs::path path = dir / model.file_name();
  if (is_file(path)) {
    return model.size_bytes == 0 || size_or_zero(path) == model.size_bytes ? "yes" : "damaged";
  }
  const fs::path part = fs::path(path).concat(".part");
  if (is_file(part) && model.size_bytes > 0) {
    return "partial " + std::to_string(size_or_zero(part) * 100 / model.size_bytes) + "%";
  }
  return "no";
}

void print_row(const std::string& name, const std::string& engine, const std::string& size,
               const std::string& state, const std::string& path) {
  char line[1024];
  std::snprintf(line, sizeof line, "%-26s %-9s %10s  %-11s %s", name.c_str(), engine.c_str(), size.c_str(),
                state.c_str(), path.c_str());
  std::string text = line;
  text.erase(text.find_last_not_of(' ') + 1);
  std::printf("%s\n", text.c_str());
}

void list_models() {
  const fs::path dir = models_dir();
  std::printf("models directory: %s\n", dir.c_str());
  print_row("NAME", "ENGINE", "SIZE", "INSTALLED", "PATH");
  for (const auto& model : known_models()) {
    const fs::path path = dir / model.file_name();
    print_row(model.name, std::string(to_string(model.family)), human_size(model.size_bytes),
              install_state(model, dir), is_file(path) ? path.string() : "");
  }
  // Models installed by hand (fine-tunes, conversions) are usable by name too.
  std::error_code error;
  for (fs::directory_iterator it(dir, error), end; !error && it != end; it.increment(error)) {
    const std::string file_name = it->path().filename().string();
    if (!file_name.starts_with("ggml-") || !file_name.ends_with(".bin") || !is_file(it->path())) continue;
    const std::string name = file_name.substr(5, file_name.size() - 9);
    if (find_known_model(name)) continue;
    print_row(name, std::string(to_string(sniff_model_family(it->path()))),
              human_size(size_or_zero(it->path())), "yes", it->path().string());
  }
  if (auto chosen = default_model()) {
    std::printf("default: %s\n", chosen->c_str());
  } else {
    std::printf("default: none installed (try: soundscripter models fetch base.en)\n");
  }
  if (auto chosen = default_model(ModelFamily::parakeet)) {
    std::printf("default for --engine parakeet: %s\n", chosen->c_str());
  }
}

std::string fetch_detail(const FetchProgress& progress) {
  std::string detail = human_size(progress.received);
  if (progress.total > 0) detail += " of " + human_size(progress.total);
  char speed[64];
  std::snprintf(speed, sizeof speed, ", %.1f MB/s", progress.bytes_per_second / 1e6);
  detail += speed;
  if (progress.total > progress.received && progress.bytes_per_second > 0) {
    const double seconds_left =
        static_cast<double>(progress.total - progress.received) / progress.bytes_per_second;
    detail += ", ETA " + format_clock(seconds_left);
  }
  return detail;
}

void fetch(const std::string& name, const std::string& dir_option) {
  const KnownModel* model = find_known_model(name);
  if (!model) {
    throw Error(ErrorCode::not_found,
                "unknown model \"" + name + "\" (known models: " + known_model_names() + ")");
  }
  const fs::path dir = dir_option.empty() ? models_dir() : fs::path(dir_option);
  const fs::path target = dir / model->file_name();
  if (is_file(target) && (model->size_bytes == 0 || size_or_zero(target) == model->size_bytes)) {
    std::fprintf(stderr, "%s is already installed\n", model->name.c_str());
    std::printf("%s\n", target.c_str());
    return;
  }
  FetchOptions options;
  std::fprintf(stderr, "fetching %s (%s) from %s\n", model->file_name().c_str(),
               human_size(model->size_bytes).c_str(), models_base_url(*model).c_str());
  if (!model->has_checksum()) {
    std::fprintf(stderr, "warning: no checksum is published for %s; only its size (%llu bytes) is checked\n",
                 model->name.c_str(), static_cast<unsigned long long>(model->size_bytes));
  }
  ProgressBar bar(model->name);
  bool bar_drawn = false;
  options.on_progress = [&](const FetchProgress& progress) {
    const double fraction =
        progress.total > 0 ? static_cast<double>(progress.received) / static_cast<double>(progress.total) : 0;
    bar.update(fraction, fetch_detail(progress));
    bar_drawn = true;
  };
  fs::path installed;
  try {
    installed = fetch_model(*model, dir, options);
  } catch (const Error& error) {
    // Ends the bar's line so the error starts on its own.
    if (bar_drawn) {
      bar.finish(error.code() == ErrorCode::model_invalid ? "failed"
                                                          : "stopped; the same command resumes it");
    }
    throw error.with_context("fetch " + model->name);
  }
  bar.finish(model->has_checksum() ? "checked and installed" : "size checked (no published checksum) and installed");
  std::printf("%s\n", installed.c_str());
}

// ggml's file types (ggml_ftype); a quantized file stores ftype plus 1000 x
// the quantization version, which says nothing about the weights.
std::string weight_type_name(int ftype) {
  switch (ftype % 1000) {
    case 0: return "f32";
    case 1: return "f16";
    case 2: return "q4_0";
    case 3: return "q4_1";
    case 7: return "q8_0";
    case 8: return "q5_0";
    case 9: return "q5_1";
    case 10: return "q2_k";
    case 11: return "q3_k";
    case 12: return "q4_k";
    case 13: return "q5_k";
    case 14: return "q6_k";
    default: return "type " + std::to_string(ftype);
  }
}

void check(const std::string& file_or_name) {
  const auto path = resolve_model(file_or_name);
  if (!path) {
    throw Error(ErrorCode::not_found, "no model \"" + file_or_name + "\": no such file, and no ggml-" +
                                          file_or_name + ".bin in " + models_dir().string());
  }
  const ModelShape shape = inspect_model(*path);
  std::printf("file:        %s (%s)\n", path->c_str(), human_size(shape.file_size).c_str());
  std::printf("engine:      %s\n", std::string(to_string(shape.family)).c_str());
  std::printf("type:        %s, %s\n", shape.type.c_str(),
              shape.multilingual ? "multilingual" : "English-only");
  std::printf("weights:     %s\n", weight_type_name(shape.ftype).c_str());
  std::printf("vocabulary:  %d tokens\n", shape.n_vocab);
  std::printf("mel bands:   %d\n", shape.n_mels);
  std::printf("audio:       context %d, width %d, %d heads, %d layers\n", shape.n_audio_ctx,
              shape.n_audio_state, shape.n_audio_head, shape.n_audio_layer);
  if (shape.family == ModelFamily::whisper) {
    std::printf("text:        context %d, width %d, %d heads, %d layers\n", shape.n_text_ctx,
                shape.n_text_state, shape.n_text_head, shape.n_text_layer);
  }
}

struct ModelsArguments {
  std::string name;
  std::string dir;
  std::string file_or_name;
};

}  // namespace

void register_models_command(CLI::App& app) {
  auto* models = app.add_subcommand("models", "List, check and fetch speech models");
  models->require_subcommand(1);
  auto arguments = std::make_shared<ModelsArguments>();

  models->add_subcommand("list", "List the known models and which are installed")
      ->callback([] { run_reporting_errors(list_models); });

  auto* fetch_command = models->add_subcommand(
      "fetch", "Download a model, check its size and checksum and install it; prints its path");
  fetch_command->add_option("name", arguments->name, "Model name, e.g. base.en")->required();
  fetch_command->add_option("--dir", arguments->dir,
                            "Install here instead of the models directory");
  fetch_command->callback(
      [arguments] { run_reporting_errors([&] { fetch(arguments->name, arguments->dir); }); });

  auto* check_command =
      models->add_subcommand("check", "Load a model file and print its shape");
  check_command->add_option("model", arguments->file_or_name, "A model file, or an installed model's name")
      ->required();
  check_command->callback(
      [arguments] { run_reporting_errors([&] { check(arguments->file_or_name); }); });
}

}  // namespace soundscripter
