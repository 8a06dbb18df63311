#include "api/server_capabilities.hpp"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <optional>

#include "engine/engine.hpp"
#include "models/model_catalog.hpp"
#include "models/model_family.hpp"
#include "util/error.hpp"
#include "worker/worker_heartbeat.hpp"

namespace soundscripter {
namespace {

namespace fs = std::filesystem;

bool contains(const std::vector<std::string>& list, const std::string& value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

std::string joined(const std::vector<std::string>& list) {
  std::string text;
  for (const auto& item : list) text += (text.empty() ? "" : ", ") + item;
  return text;
}

ModelCapability describe(const std::string& name, const std::string& engine, bool multilingual) {
  ModelCapability model;
  model.name = name;
  model.engine = engine;
  model.multilingual = multilingual;
  model.translate = engine_translates(engine, multilingual);
  model.languages = engine_languages(engine, multilingual);
  return model;
}

// A model file's name, engine, languages, size and time; none when it is
// not a model this server can load.
std::optional<ModelCapability> describe_file(const fs::path& file) {
  const ModelLanguages header = read_model_languages(file);
  if (header.family == ModelFamily::unknown) return std::nullopt;
  ModelCapability model = describe(model_name_of(file), std::string(to_string(header.family)), header.multilingual);
  std::error_code ignored;
  model.size_bytes = fs::file_size(file, ignored);
  const auto modified = fs::last_write_time(file, ignored);
  model.modified_at =
      std::chrono::duration<double>(std::chrono::file_clock::to_sys(modified).time_since_epoch()).count();
  return model;
}

// The models folder's, and a default model configured as a path elsewhere.
std::vector<ModelCapability> local_models(const std::string& configured_model) {
  std::vector<ModelCapability> models;
  for (const fs::path& file : installed_model_files()) {
    if (auto model = describe_file(file)) models.push_back(std::move(*model));
  }
  if (configured_model.find('/') != std::string::npos) {
    auto model = describe_file(configured_model);
    const bool listed = model && std::any_of(models.begin(), models.end(), [&](const ModelCapability& other) {
                          return other.name == model->name;
                        });
    if (model && !listed) models.push_back(std::move(*model));
  }
  return models;
}

// Workers advertise "whisper:base.en", "parakeet:NAME" or "sphinx". A model
// only a worker elsewhere has is known by name: English-only when it ends
// in ".en", as Whisper's are named.
// Returns the first worker's first engine (its default), "" when none.
std::string add_worker_models(ApiServices& services, std::vector<ModelCapability>& models,
                              std::vector<std::string>& engines, bool& any_worker) {
  std::string first_engine;
  const double since = unix_now() - std::chrono::duration<double>(kWorkerGoneAfter).count();
  for (const WorkerInfo& worker : services.store.live_workers(since)) {
    any_worker = true;
    for (const std::string& entry : worker.engines) {
      const auto colon = entry.find(':');
      const std::string engine = entry.substr(0, colon);
      if (!contains(engine_names(), engine)) continue;
      if (!contains(engines, engine)) engines.push_back(engine);
      if (first_engine.empty()) first_engine = engine;
      if (colon == std::string::npos) continue;
      // A worker started with --model PATH names the file: read where it is
      // readable here (the same machine), else known by its name.
      const std::string model = entry.substr(colon + 1);
      std::optional<ModelCapability> described;
      if (model.find('/') != std::string::npos) described = describe_file(model);
      const std::string name = described ? described->name : model_name_of(model);
      const bool known = std::any_of(models.begin(), models.end(),
                                     [&](const ModelCapability& other) { return other.name == name; });
      if (known) continue;
      models.push_back(described ? std::move(*described) : describe(name, engine, !name.ends_with(".en")));
    }
  }
  return first_engine;
}

std::string default_model_name(const ApiServices& services, const std::string& engine,
                               const std::vector<ModelCapability>& models) {
  if (engine == "sphinx") return "";
  if (!services.default_model.empty()) {
    // A path in the configuration: the name of its file.
    return services.default_model.find('/') == std::string::npos ? services.default_model
                                                                 : model_name_of(services.default_model);
  }
  const auto found = default_model(engine == "parakeet" ? ModelFamily::parakeet : ModelFamily::whisper);
  if (found) return model_name_of(*found);
  for (const auto& model : models) {
    if (model.engine == engine) return model.name;
  }
  return "";
}

nlohmann::json to_json(const ModelCapability& model) {
  return {{"name", model.name},         {"engine", model.engine},       {"multilingual", model.multilingual},
          {"translate", model.translate}, {"languages", model.languages}, {"size_bytes", model.size_bytes},
          {"default", model.is_default}};
}

}  // namespace

ServerCapabilities server_capabilities(ApiServices& services) {
  ServerCapabilities capabilities;
  capabilities.models = local_models(services.default_model);
  std::vector<std::string> engines = {"sphinx"};
  for (const auto& model : capabilities.models) {
    if (!contains(engines, model.engine)) engines.push_back(model.engine);
  }
  const std::string workers_engine =
      add_worker_models(services, capabilities.models, engines, capabilities.workers_seen);

  // Jobs naming no engine get the server's. An API process configured with
  // none leaves it to its workers: the live ones say which, else a Whisper
  // model here says Whisper; else it is not known here (workers may be
  // starting), and such jobs are not refused for the engine's limits.
  capabilities.default_engine = services.default_engine;
  if (capabilities.default_engine.empty()) capabilities.default_engine = workers_engine;
  if (capabilities.default_engine.empty() && contains(engines, "whisper")) capabilities.default_engine = "whisper";
  if (!capabilities.default_engine.empty() && !contains(engines, capabilities.default_engine)) {
    engines.push_back(capabilities.default_engine);
  }
  capabilities.default_model = default_model_name(services, capabilities.default_engine, capabilities.models);
  for (auto& model : capabilities.models) {
    model.is_default = model.engine == capabilities.default_engine && model.name == capabilities.default_model;
  }

  // The engines in engine_names() order, each with what its models allow together.
  for (const std::string& name : engine_names()) {
    if (!contains(engines, name)) continue;
    EngineCapability engine;
    engine.name = name;
    bool any_model = false;
    for (const auto& model : capabilities.models) {
      if (model.engine != name) continue;
      any_model = true;
      engine.models.push_back(model.name);
      engine.translate = engine.translate || model.translate;
      for (const auto& language : model.languages) {
        if (!contains(engine.languages, language)) engine.languages.push_back(language);
      }
    }
    if (!any_model) {  // sphinx, or a default engine whose model only its workers know
      engine.languages = engine_languages(name, name != "sphinx");
      engine.translate = engine_translates(name, name != "sphinx");
    }
    capabilities.engines.push_back(std::move(engine));
  }
  return capabilities;
}

nlohmann::json to_json(const ServerCapabilities& capabilities, const ApiServices& services) {
  nlohmann::json engines = nlohmann::json::array();
  for (const auto& engine : capabilities.engines) {
    engines.push_back({{"name", engine.name},
                       {"translate", engine.translate},
                       {"languages", engine.languages},
                       {"models", engine.models}});
  }
  nlohmann::json models = nlohmann::json::array();
  for (const auto& model : capabilities.models) models.push_back(to_json(model));
  return {{"engines", engines},
          {"models", models},
          {"default_engine", capabilities.default_engine.empty() ? nlohmann::json(nullptr)
                                                                 : nlohmann::json(capabilities.default_engine)},
          {"default_model", capabilities.default_model.empty() ? nlohmann::json(nullptr)
                                                               : nlohmann::json(capabilities.default_model)},
          {"max_upload_bytes", services.max_upload_bytes},
          {"max_media_seconds", services.max_media_seconds > 0 ? nlohmann::json(services.max_media_seconds)
                                                               : nlohmann::json(nullptr)},
          {"formats", {"txt", "srt", "vtt", "json", "tsv"}},
          {"priorities", {{"low", 2}, {"normal", 5}, {"high", 8}}}};
}

nlohmann::json openai_model_list(const ServerCapabilities& capabilities) {
  nlohmann::json data = nlohmann::json::array();
  for (const auto& model : capabilities.models) {
    data.push_back({{"id", model.name},
                    {"object", "model"},
                    {"created", static_cast<std::int64_t>(model.modified_at)},
                    {"owned_by", "soundscripter"}});
  }
  return {{"object", "list"}, {"data", data}};
}

std::string engine_for(const ServerCapabilities& capabilities, const JobRequest& request) {
  if (!request.engine.empty()) return request.engine;
  // A named model runs on its own engine, as load_engine picks it.
  for (const auto& model : capabilities.models) {
    if (!request.model.empty() && model.name == request.model) return model.engine;
  }
  return capabilities.default_engine;
}

void check_request_fits(const ServerCapabilities& capabilities, const JobRequest& request) {
  const std::string engine_name = engine_for(capabilities, request);
  if (engine_name.empty()) return;  // left to workers this process does not know yet
  const auto engine = std::find_if(capabilities.engines.begin(), capabilities.engines.end(),
                                   [&](const EngineCapability& e) { return e.name == engine_name; });
  // With no worker seen (they may be starting), an engine this process has
  // no model for may still be theirs.
  if (engine == capabilities.engines.end() && !capabilities.workers_seen) return;
  if (engine == capabilities.engines.end()) {
    throw Error(ErrorCode::invalid_argument,
                "engine: this server cannot run '" + engine_name + "' (no " + engine_name +
                    " model is installed and no worker has one; see GET /v1/capabilities)");
  }
  const std::string model_name = request.model.empty() && engine_name == capabilities.default_engine
                                     ? capabilities.default_model
                                     : request.model;
  const auto model = std::find_if(capabilities.models.begin(), capabilities.models.end(),
                                  [&](const ModelCapability& m) { return m.name == model_name; });
  // Limits of the model when it is known here, else of the engine.
  const bool from_model = model != capabilities.models.end() && !model_name.empty();
  const bool translates = from_model ? model->translate : engine->translate;
  const auto& languages = from_model ? model->languages : engine->languages;
  const std::string what = from_model ? "the model '" + model_name + "'" : "the " + engine_name + " engine";
  if (from_model && model->engine != engine_name) {
    throw Error(ErrorCode::invalid_argument, "model: '" + model_name + "' is a " + model->engine +
                                                 " model; the " + engine_name + " engine cannot load it");
  }
  if (request.translate && !translates) {
    throw Error(ErrorCode::invalid_argument, "task: " + what + " cannot translate" +
                                                 (engine_name == "whisper" ? " (it is English-only)" : ""));
  }
  const std::string& language = request.language;
  if (!language.empty() && language != "auto" && !contains(languages, language)) {
    throw Error(ErrorCode::invalid_argument,
                "language: " + what + " cannot transcribe '" + language + "' (it knows " +
                    joined(languages) + ", or auto)");
  }
}

}  // namespace soundscripter
