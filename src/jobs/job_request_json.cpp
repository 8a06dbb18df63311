// The stored form of a JobRequest (see job_request_json.hpp).
#include "jobs/job_request_json.hpp"

#include "util/error.hpp"

namespace soundscripter {
namespace {

// Reads `json[key]` into `field` when present, so absent keys keep the
// default that JobRequest's declaration gives.
template <typename T>
void read_field(const nlohmann::json& json, const char* key, T& field) {
  const auto found = json.find(key);
  if (found == json.end() || found->is_null()) return;
  try {
    field = found->get<T>();
  } catch (const nlohmann::json::exception& e) {
    throw Error(ErrorCode::invalid_argument,
                std::string("job request field '") + key + "': " + e.what());
  }
}

}  // namespace

nlohmann::json job_request_to_json(const JobRequest& request) {
  return {{"engine", request.engine},
          {"model", request.model},
          {"language", request.language},
          {"translate", request.translate},
          {"word_timestamps", request.word_timestamps},
          {"vad", request.vad},
          {"beam_size", request.beam_size},
          {"best_of", request.best_of},
          {"no_fallback", request.no_fallback},
          {"temperature", request.temperature},
          {"prompt", request.prompt},
          {"priority", request.priority}};
}

JobRequest job_request_from_json(const nlohmann::json& json) {
  JobRequest request;
  if (!json.is_object()) {
    throw Error(ErrorCode::invalid_argument, "job request: expected a JSON object");
  }
  read_field(json, "engine", request.engine);
  read_field(json, "model", request.model);
  read_field(json, "language", request.language);
  read_field(json, "translate", request.translate);
  read_field(json, "word_timestamps", request.word_timestamps);
  read_field(json, "vad", request.vad);
  read_field(json, "beam_size", request.beam_size);
  read_field(json, "best_of", request.best_of);
  read_field(json, "no_fallback", request.no_fallback);
  read_field(json, "temperature", request.temperature);
  read_field(json, "prompt", request.prompt);
  read_field(json, "priority", request.priority);
  return request;
}

}  // namespace soundscripter
