// The form of OpenAI's POST /v1/audio/transcriptions and /translations,
// read into a job and the shape of its answer.
//
// OpenAI's fields mean slightly different things from ours: `model` is
// usually "whisper-1" (a name this server does not have), so any model
// name that is not installed here means the server's default model rather
// than an error; the official clients always send one.
#pragma once

#include <functional>
#include <string>

#include "api/http_types.hpp"
#include "api/openai_format.hpp"
#include "jobs/job.hpp"

namespace soundscripter {

struct OpenAiRequest {
  JobRequest job;              // priority normal, like any upload without one
  OpenAiAnswerOptions answer;
  bool stream = false;         // stream=true: Server-Sent Events
};

// Whether `name` is a model installed on this server (a plain name, never
// a path, so a client cannot make the server open files of its choosing).
bool is_installed_model_name(const std::string& name);

// Reads model, language, prompt, response_format, temperature,
// timestamp_granularities[] and stream; other fields are ignored, as OpenAI
// adds fields over time. translate: the /translations route. Every problem
// is reported at once as Error(invalid_argument). installed: how to tell an
// installed model (is_installed_model_name when empty), for tests.
OpenAiRequest parse_openai_request(const HttpRequest& request, bool translate,
                                   const std::function<bool(const std::string&)>& installed = {});

}  // namespace soundscripter
