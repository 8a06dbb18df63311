#include "app/job_form_fields.hpp"

#include <functional>

namespace soundscripter {
namespace {

struct JobField {
  const char* flag;   // as add_job_options declares it
  const char* field;  // the API's name
  std::function<std::string(const TranscribeSettings&)> value;
};

// One row per option a job on a server takes.
const std::vector<JobField>& job_fields() {
  static const std::vector<JobField> fields = {
      {"--engine", "engine", [](const auto& s) { return s.engine.engine; }},
      {"--model", "model", [](const auto& s) { return s.engine.model; }},
      {"--language", "language", [](const auto& s) { return s.options.language; }},
      {"--translate", "task", [](const auto& s) { return s.options.translate ? "translate" : "transcribe"; }},
      {"--beam-size", "beam_size", [](const auto& s) { return std::to_string(s.options.beam_size); }},
      {"--best-of", "best_of", [](const auto& s) { return std::to_string(s.options.best_of); }},
      {"--temperature", "temperature", [](const auto& s) { return std::to_string(s.options.temperature); }},
      {"--no-fallback", "no_fallback", [](const auto& s) { return s.options.no_fallback ? "true" : "false"; }},
      {"--prompt", "prompt", [](const auto& s) { return s.options.initial_prompt; }},
      {"--word-timestamps", "word_timestamps",
       [](const auto& s) { return s.options.word_timestamps ? "true" : "false"; }},
      {"--vad", "vad", [](const auto& s) { return s.options.vad ? "true" : "false"; }},
  };
  return fields;
}

}  // namespace

FormFields job_form_fields(const CLI::App& command, const TranscribeSettings& settings,
                           const std::string& priority) {
  FormFields form;
  for (const auto& field : job_fields()) {
    if (command.count(field.flag) > 0) form.emplace_back(field.field, field.value(settings));
  }
  if (!priority.empty()) form.emplace_back("priority", priority);
  return form;
}

}  // namespace soundscripter
