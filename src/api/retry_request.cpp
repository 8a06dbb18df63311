#include "api/retry_request.hpp"

#include <algorithm>
#include <iterator>

#include <nlohmann/json.hpp>

#include "api/http_types.hpp"
#include "api/job_submission.hpp"
#include "util/error.hpp"

namespace soundscripter {
namespace {

// The fields a retry may change: those that can make a job fail (a wrong
// language, an engine or model that cannot do the task).
constexpr const char* kRetryFields[] = {"language", "task", "engine", "model"};

std::string field_text(const std::string& name, const nlohmann::json& value) {
  if (value.is_null()) return "";
  if (!value.is_string()) throw Error(ErrorCode::invalid_argument, name + ": must be a string");
  return value.get<std::string>();
}

}  // namespace

JobRequest retry_request(const JobRequest& original, const std::string& body) {
  if (body.find_first_not_of(" \t\r\n") == std::string::npos) return original;
  nlohmann::json changes = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (!changes.is_object()) {
    throw Error(ErrorCode::invalid_argument,
                "the retry's body must be a JSON object such as {\"language\": \"de\"} (or empty)");
  }
  // The job's options as form fields, overlaid with the changes, then read
  // by the upload's own parser so both refuse the same values the same way.
  HttpRequest form;
  form.form.emplace("language", original.language);
  form.form.emplace("task", original.translate ? "translate" : "transcribe");
  form.form.emplace("engine", original.engine);
  form.form.emplace("model", original.model);
  for (const auto& [name, value] : changes.items()) {
    if (std::find(std::begin(kRetryFields), std::end(kRetryFields), name) == std::end(kRetryFields)) {
      throw Error(ErrorCode::invalid_argument,
                  "'" + name + "' cannot be changed by a retry (language, task, engine and model can)");
    }
    form.form.erase(name);
    form.form.emplace(name, field_text(name, value));
  }
  // A new engine without a model of its own takes the engine's default.
  if (changes.contains("engine") && !changes.contains("model")) {
    form.form.erase("model");
  }
  const JobRequest parsed = parse_job_fields(form);
  JobRequest retried = original;
  retried.language = parsed.language;
  retried.translate = parsed.translate;
  retried.engine = parsed.engine;
  retried.model = parsed.model;
  return retried;
}

}  // namespace soundscripter
