// Reading OpenAI's form (see openai_request.hpp for what differs from ours).
#include "api/openai_request.hpp"

#include <cctype>
#include <filesystem>
#include <vector>

#include "api/job_submission.hpp"
#include "engine/engine.hpp"
#include "models/model_catalog.hpp"
#include "util/error.hpp"

namespace soundscripter {
namespace {

bool is_plain_name(const std::string& name) {
  if (name.empty() || name.size() > 64 || name.front() == '.') return false;
  for (char c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '-' && c != '_') return false;
  }
  return true;
}

// The official clients send arrays as "name[]" (both SDKs); curl users
// often write the bare name.
std::vector<std::string> repeated_field(const HttpRequest& request, const std::string& name) {
  std::vector<std::string> values;
  for (const std::string& key : {name + "[]", name}) {
    auto [begin, end] = request.form.equal_range(key);
    for (auto it = begin; it != end; ++it) values.push_back(it->second);
  }
  return values;
}

}  // namespace

bool is_installed_model_name(const std::string& name) {
  if (!is_plain_name(name)) return false;
  return installed_model_named(name).has_value();
}

OpenAiRequest parse_openai_request(const HttpRequest& request, bool translate,
                                   const std::function<bool(const std::string&)>& installed) {
  std::vector<std::string> problems;
  OpenAiRequest parsed;

  // language, prompt and temperature mean what they mean for POST /v1/jobs
  // (temperature 0..1 in both), so that parser checks them with the same words.
  HttpRequest job_fields;
  for (const char* name : {"language", "prompt", "temperature"}) {
    if (auto value = request.form_value(name)) job_fields.form.emplace(name, *value);
  }
  try {
    parsed.job = parse_job_fields(job_fields);
  } catch (const Error& error) {
    problems.push_back(error.what());
  }
  parsed.job.translate = translate;
  parsed.answer.translate = translate;
  parsed.answer.temperature = parsed.job.temperature;

  const std::string model = request.form_value("model").value_or("");
  if (installed ? installed(model) : is_installed_model_name(model)) {
    // The file says which engine it is for; a Whisper one where it cannot tell.
    const std::string engine = engine_for_model(model);
    parsed.job.engine = engine.empty() ? "whisper" : engine;
    parsed.job.model = model;
  }

  if (auto format = request.form_value("response_format"); format && !format->empty()) {
    try {
      parsed.answer.format = parse_openai_response_format(*format);
    } catch (const Error& error) {
      problems.push_back(error.what());
    }
  }

  bool words = false;
  for (const auto& granularity : repeated_field(request, "timestamp_granularities")) {
    if (granularity == "word") {
      words = true;
    } else if (granularity != "segment") {
      problems.push_back("timestamp_granularities[]: '" + granularity + "' is not word or segment");
    }
  }
  // Only verbose_json shows words, so only then is the engine asked for them.
  parsed.answer.word_timestamps = words && parsed.answer.format == OpenAiResponseFormat::verbose_json;
  parsed.job.word_timestamps = parsed.answer.word_timestamps;

  if (auto stream = request.form_value("stream")) {
    if (*stream == "true" || *stream == "1") parsed.stream = true;
    else if (*stream != "false" && *stream != "0" && !stream->empty()) {
      problems.push_back("stream: '" + *stream + "' is not true or false");
    }
  }

  if (!problems.empty()) {
    std::string message;
    for (const auto& problem : problems) message += (message.empty() ? "" : "; ") + problem;
    throw Error(ErrorCode::invalid_argument, message);
  }
  return parsed;
}

}  // namespace soundscripter
