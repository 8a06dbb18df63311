#include "api/job_submission.hpp"

#include <algorithm>
#include <random>

#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <spdlog/spdlog.h>

#include "engine/engine.hpp"
#include "media/audio_decoder.hpp"
#include "api/openai_request.hpp"
#include "api/server_capabilities.hpp"
#include "queue/outbox.hpp"
#include "worker/job_runner.hpp"
#include "util/error.hpp"

namespace soundscripter {
namespace {

std::string new_job_id() {
  thread_local std::mt19937_64 random{std::random_device{}()};
  char id[40];
  std::snprintf(id, sizeof id, "%016llx%016llx", static_cast<unsigned long long>(random()),
                static_cast<unsigned long long>(random()));
  return id;
}

// 128 random bits from the system's CSPRNG, as hex: a credential.
std::string new_media_token() {
  unsigned char bytes[16];
  if (RAND_bytes(bytes, sizeof bytes) != 1) {
    throw Error(ErrorCode::internal, "no random bytes for a media token");
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string token;
  for (unsigned char byte : bytes) {
    token += kHex[byte >> 4];
    token += kHex[byte & 15];
  }
  return token;
}

bool parse_bool(const std::string& value, bool& out) {
  if (value == "true" || value == "1" || value == "yes" || value == "on") return out = true, true;
  if (value == "false" || value == "0" || value == "no" || value == "off") return out = false, true;
  return false;
}

// Only letters, digits, dots and dashes survive, so a stored name can never
// leave the media directory or confuse a shell.
std::string safe_extension(const std::string& filename) {
  auto dot = filename.rfind('.');
  if (dot == std::string::npos) return "";
  std::string ext;
  for (char c : filename.substr(dot + 1)) {
    if (std::isalnum(static_cast<unsigned char>(c))) ext += static_cast<char>(std::tolower(c));
  }
  return ext.empty() || ext.size() > 8 ? "" : "." + ext;
}

}  // namespace

JobRequest parse_job_fields(const HttpRequest& request) {
  JobRequest job;
  std::vector<std::string> problems;
  auto field = [&](const char* name) { return request.form_value(name); };
  auto boolean = [&](const char* name, bool& out) {
    if (auto value = field(name); value && !parse_bool(*value, out)) {
      problems.push_back(std::string(name) + ": '" + *value + "' is not true or false");
    }
  };
  auto integer = [&](const char* name, int& out, int low, int high) {
    auto value = field(name);
    if (!value) return;
    try {
      std::size_t used = 0;
      int parsed = std::stoi(*value, &used);
      if (used != value->size() || parsed < low || parsed > high) throw std::out_of_range("");
      out = parsed;
    } catch (const std::exception&) {
      problems.push_back(std::string(name) + ": '" + *value + "' is not a whole number from " +
                         std::to_string(low) + " to " + std::to_string(high));
    }
  };

  if (auto language = field("language"); language && !language->empty()) {
    if (*language != "auto" && !is_known_language(*language)) {
      problems.push_back("language: '" + *language + "' is not a language code (en, de, ... or auto)");
    }
    job.language = *language;
  }
  if (auto task = field("task")) {
    if (*task == "translate") job.translate = true;
    else if (*task != "transcribe") problems.push_back("task: '" + *task + "' is not transcribe or translate");
  }
  if (auto engine = field("engine"); engine && !engine->empty()) {
    const auto& known = engine_names();
    if (std::find(known.begin(), known.end(), *engine) == known.end()) {
      problems.push_back("engine: '" + *engine + "' is not whisper, parakeet or sphinx");
    }
    job.engine = *engine;
  }
  if (auto model = field("model"); model && !model->empty()) {
    if (job.engine == "sphinx") {
      problems.push_back("model: the sphinx engine takes no model");
    } else if (!is_installed_model_name(*model)) {
      // Names only: a path would let a client make the server load any file.
      problems.push_back("model: '" + *model + "' is not a model installed on this server");
    }
    job.model = *model;
  }
  if (auto priority = field("priority")) {
    if (*priority == "low") job.priority = 2;
    else if (*priority == "normal") job.priority = 5;
    else if (*priority == "high") job.priority = 8;
    else integer("priority", job.priority, 0, 9);
  }
  boolean("word_timestamps", job.word_timestamps);
  boolean("vad", job.vad);
  boolean("no_fallback", job.no_fallback);
  integer("beam_size", job.beam_size, 1, 16);
  integer("best_of", job.best_of, 1, 16);
  if (auto temperature = field("temperature")) {
    try {
      std::size_t used = 0;
      job.temperature = std::stof(*temperature, &used);
      // Written so that NaN ("nan" parses) fails it too: every comparison with NaN is false.
      if (used != temperature->size() || !(job.temperature >= 0 && job.temperature <= 1)) {
        throw std::out_of_range("");
      }
    } catch (const std::exception&) {
      problems.push_back("temperature: '" + *temperature + "' is not a number from 0 to 1");
    }
  }
  if (auto prompt = field("prompt")) job.prompt = *prompt;
  if (!problems.empty()) {
    std::string message;
    for (const auto& problem : problems) message += (message.empty() ? "" : "; ") + problem;
    throw Error(ErrorCode::invalid_argument, message);
  }
  return job;
}

// A job that could never run is refused now, not failed after queueing:
// what the engine cannot do with any model, then what this server's
// engines and models cannot (an English-only model asked for French).
void refuse_what_cannot_run(ApiServices& services, const JobRequest& job_request) {
  const ServerCapabilities capabilities = server_capabilities(services);
  check_engine_options(engine_for(capabilities, job_request), engine_options_for(job_request, 1));
  check_request_fits(capabilities, job_request);
}

namespace {

// One API key filling the queue would make everyone else wait behind it.
void refuse_over_queue_share(ApiServices& services, const std::string& owner) {
  if (services.max_queued_per_key <= 0 || owner.empty()) return;
  JobQuery query;
  query.owner = owner;
  query.state = JobState::queued;
  query.limit = 1;
  const std::int64_t queued = services.store.list(query).total;
  if (queued >= services.max_queued_per_key) {
    throw Error(ErrorCode::rate_limited, "this API key already has " + std::to_string(queued) +
                                             " jobs waiting (the limit is " +
                                             std::to_string(services.max_queued_per_key) +
                                             "); try again when some have started");
  }
}

}  // namespace

Job submit_job(ApiServices& services, HttpRequest& request, JobRequest job_request,
               const std::string& file_field) {
  refuse_what_cannot_run(services, job_request);
  refuse_over_queue_share(services, request.api_key_id);
  const UploadedFile* upload = nullptr;
  for (const auto& file : request.files) {
    if (file.field == file_field) upload = &file;
  }
  if (!upload) {
    throw Error(ErrorCode::invalid_argument,
                "no '" + file_field + "' field with a file in the upload (multipart/form-data)");
  }
  const std::string shown_name = upload->filename.empty() ? "upload" : upload->filename;
  if (upload->bytes == 0) {
    throw Error(ErrorCode::empty_input, shown_name + ": the file is empty (0 bytes)");
  }
  MediaInfo info;
  try {
    info = probe_media(upload->path);
  } catch (const Error& error) {
    // The probe names the temporary file; the uploader knows its own name.
    std::string message = error.what();
    const std::string temp = upload->path.string();
    if (auto at = message.find(temp); at != std::string::npos) message.replace(at, temp.size(), shown_name);
    throw Error(error.code(), message);
  }
  if (services.max_media_seconds > 0 && info.duration > services.max_media_seconds) {
    throw Error(ErrorCode::too_large,
                fmt::format("{}: {:.1f} hours of audio; this server takes up to {:.1f} hours (--max-media-duration)",
                            shown_name, info.duration / 3600, services.max_media_seconds / 3600));
  }

  Job job;
  job.id = new_job_id();
  job.owner = request.api_key_id;
  job.name = request.form_value("name").value_or(shown_name);
  job.request = std::move(job_request);
  job.media_filename = shown_name;
  job.media_sha256 = upload->sha256;
  job.media_token = new_media_token();
  job.media_bytes = upload->bytes;
  job.media_duration = info.duration;
  job.created_at = unix_now();
  std::filesystem::create_directories(services.media_dir);
  std::filesystem::path kept = services.media_dir / (job.id + safe_extension(shown_name));
  std::filesystem::rename(upload->path, kept);
  job.media_path = kept.string();

  try {
    services.store.create(job);
  } catch (...) {
    // No job, no media: a store that failed (a full disk) leaves nothing behind.
    std::error_code ignored;
    std::filesystem::remove(kept, ignored);
    throw;
  }
  services.events.state(job.id, JobState::queued);
  publish_job(services.queue, services.store, job);
  return job;
}

bool cancel_job(ApiServices& services, const std::string& job_id, const nlohmann::json& extra) {
  if (!services.store.transition(job_id, {JobState::queued, JobState::processing},
                                 JobState::cancelled)) {
    return false;
  }
  services.events.state(job_id, JobState::cancelled, extra);
  return true;
}

bool constant_time_equal(const std::string& a, const std::string& b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

Job visible_job(ApiServices& services, const HttpRequest& request, const std::string& id) {
  auto job = services.store.get(id);
  if (!job || job->owner != request.api_key_id) {
    throw Error(ErrorCode::not_found, "no job '" + id + "'");
  }
  return *job;
}

}  // namespace soundscripter
