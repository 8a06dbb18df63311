// What this server can do, for GET /v1/capabilities, GET /v1/models and
// the upload check: the engines that can run a job here, the installed
// models with their languages and whether they translate, the defaults and
// the limits. The page offers only this; the API refuses the rest at upload.
//
// Read fresh on each call (a few header reads in the models folder), so a
// model fetched while the server runs is offered at once.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "api/api_services.hpp"
#include "jobs/job.hpp"

namespace soundscripter {

struct ModelCapability {
  std::string name;                     // "base.en"
  std::string engine;                   // "whisper" | "parakeet"
  bool multilingual = false;
  bool translate = false;
  std::vector<std::string> languages;   // without "auto"
  std::uintmax_t size_bytes = 0;        // 0 when only a worker elsewhere has it
  double modified_at = 0;               // unix time of the file
  bool is_default = false;              // what jobs naming no model get
};

struct EngineCapability {
  std::string name;
  bool translate = false;               // with some model
  std::vector<std::string> languages;   // with some model
  std::vector<std::string> models;
};

struct ServerCapabilities {
  std::vector<EngineCapability> engines;
  std::vector<ModelCapability> models;
  std::string default_engine;           // "" when only workers not yet seen know it
  std::string default_model;            // "" when the engine takes none
  bool workers_seen = false;            // a live worker (here or elsewhere) beat lately
};

// The engines: sphinx (built in, no download) and every engine with a model
// installed here or loaded by a live worker (which may run elsewhere).
ServerCapabilities server_capabilities(ApiServices& services);

nlohmann::json to_json(const ServerCapabilities& capabilities, const ApiServices& services);
// GET /v1/models in OpenAI's shape.
nlohmann::json openai_model_list(const ServerCapabilities& capabilities);

// The engine a job runs on: the one it names, else its model's, else the
// server's default ("" when not known here).
std::string engine_for(const ServerCapabilities& capabilities, const JobRequest& request);

// Throws Error(invalid_argument) saying why, when the request names an
// engine, model, language or task this server cannot run.
void check_request_fits(const ServerCapabilities& capabilities, const JobRequest& request);

}  // namespace soundscripter
