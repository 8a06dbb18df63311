// Each row pairs a ServeConfig member with a parser for its kind of value
// (whole number in a range, size, duration, path, choice, ...). The parsers
// are small templates over the member, so adding a setting is one row.
#include "app/serve_config_keys.hpp"

#include <algorithm>
#include <charconv>

#include "engine/engine.hpp"
#include "util/error.hpp"
#include "util/strings.hpp"
#include "util/units.hpp"

namespace soundscripter {
namespace {

namespace fs = std::filesystem;

Error bad_value(std::string_view text, const std::string& why) {
  return Error(ErrorCode::invalid_argument, "'" + std::string(text) + "' " + why);
}

template <auto member>
void parse_text(std::string_view text, const fs::path&, ServeConfig& config) {
  config.*member = std::string(trim_ascii(text));
}
template <auto member>
std::string show_text(const ServeConfig& config) { return config.*member; }

template <auto member>
void parse_non_empty(std::string_view text, const fs::path& base_dir, ServeConfig& config) {
  if (trim_ascii(text).empty()) throw Error(ErrorCode::invalid_argument, "must not be empty");
  parse_text<member>(text, base_dir, config);
}

template <auto member, int min, int max>
void parse_int(std::string_view text, const fs::path&, ServeConfig& config) {
  const std::string_view trimmed = trim_ascii(text);
  int value = 0;
  const auto [end, error] = std::from_chars(trimmed.data(), trimmed.data() + trimmed.size(), value);
  if (error != std::errc() || end != trimmed.data() + trimmed.size() || trimmed.empty()) {
    throw bad_value(text, "is not a whole number");
  }
  if (value < min || value > max) {
    throw bad_value(text, "is out of range (" + std::to_string(min) + " to " + std::to_string(max) + ")");
  }
  config.*member = value;
}
template <auto member>
std::string show_int(const ServeConfig& config) { return std::to_string(config.*member); }

template <auto member>
void parse_path(std::string_view text, const fs::path& base_dir, ServeConfig& config) {
  const fs::path path(trim_ascii(text));
  config.*member = path.empty() || path.is_absolute() ? path : (base_dir / path).lexically_normal();
}
template <auto member>
std::string show_path(const ServeConfig& config) { return (config.*member).string(); }

template <auto member>
void parse_duration_value(std::string_view text, const fs::path&, ServeConfig& config) {
  config.*member = parse_duration(text);
}
template <auto member>
std::string show_duration(const ServeConfig& config) { return format_duration(config.*member); }

// A timeout of 0 would end every connection at once.
template <auto member>
void parse_timeout(std::string_view text, const fs::path&, ServeConfig& config) {
  const auto duration = parse_duration(text);
  if (duration.count() == 0) throw bad_value(text, "is not a usable time limit (it must be at least 1s)");
  config.*member = duration;
}

template <std::uint64_t ServeConfig::*member, bool zero_allowed>
void parse_size(std::string_view text, const fs::path&, ServeConfig& config) {
  const auto bytes = parse_byte_size(text);
  if (bytes == 0 && !zero_allowed) throw bad_value(text, "is not usable here (it must be above 0)");
  config.*member = bytes;
}
template <std::uint64_t ServeConfig::*member>
std::string show_size(const ServeConfig& config) { return format_byte_size(config.*member); }

template <bool ServeConfig::*member>
void parse_bool(std::string_view text, const fs::path&, ServeConfig& config) {
  const std::string value = ascii_lower(trim_ascii(text));
  if (value == "true" || value == "yes" || value == "on" || value == "1") {
    config.*member = true;
  } else if (value == "false" || value == "no" || value == "off" || value == "0") {
    config.*member = false;
  } else {
    throw bad_value(text, "is not true or false");
  }
}

template <bool ServeConfig::*member>
std::string show_bool(const ServeConfig& config) { return config.*member ? "true" : "false"; }

void parse_engine(std::string_view text, const fs::path&, ServeConfig& config) {
  const std::string value(trim_ascii(text));
  const auto& known = engine_names();
  if (!value.empty() && std::find(known.begin(), known.end(), value) == known.end()) {
    throw bad_value(text, "is not an engine (whisper, parakeet or sphinx)");
  }
  config.engine = value;
}

// "a, b,c" -> {"a", "b", "c"}
template <auto member>
void parse_list(std::string_view text, const fs::path&, ServeConfig& config) {
  (config.*member).clear();
  while (!text.empty()) {
    const auto comma = text.find(',');
    const std::string_view entry = trim_ascii(text.substr(0, comma));
    if (!entry.empty()) (config.*member).emplace_back(entry);
    text = comma == std::string_view::npos ? std::string_view{} : text.substr(comma + 1);
  }
}
template <auto member>
std::string show_list(const ServeConfig& config) {
  std::string shown;
  for (const auto& entry : config.*member) shown += (shown.empty() ? "" : ",") + entry;
  return shown;
}

// An origin is what a browser sends in Origin: scheme://host[:port].
void parse_cors_origins(std::string_view text, const fs::path& base_dir, ServeConfig& config) {
  parse_list<&ServeConfig::cors_origins>(text, base_dir, config);
  for (const auto& origin : config.cors_origins) {
    const bool web = origin.starts_with("http://") || origin.starts_with("https://");
    if (origin != "*" && (!web || origin.ends_with("/") || origin.find('/', origin.find("//") + 2) != std::string::npos)) {
      throw bad_value(origin, "is not an origin (scheme://host[:port], as https://app.example.com, or *)");
    }
  }
}
std::string show_api_keys(const ServeConfig& config) {
  return config.api_keys.empty() ? "" : std::to_string(config.api_keys.size()) + " keys, not shown";
}

void parse_log_format_value(std::string_view text, const fs::path&, ServeConfig& config) {
  config.log_format = parse_log_format(trim_ascii(text));
}
std::string show_log_format(const ServeConfig& config) { return std::string(to_string(config.log_format)); }

void parse_log_level_value(std::string_view text, const fs::path&, ServeConfig& config) {
  parse_log_level(trim_ascii(text));  // throws for an unknown level
  config.log_level = std::string(trim_ascii(text));
}

void parse_chunk_length(std::string_view text, const fs::path&, ServeConfig& config) {
  if (trim_ascii(text) == "auto") {  // the engine's own length
    config.chunk_length = std::chrono::seconds(-1);
    return;
  }
  const auto length = parse_duration(text);
  // Shorter chunks cut speech too often to transcribe well (as `transcribe` checks).
  if (length.count() != 0 && length.count() < 30) throw bad_value(text, "is too short (0 for no chunking, or at least 30s)");
  config.chunk_length = length;
}

std::string show_chunk_length(const ServeConfig& config) {
  return config.chunk_length.count() < 0 ? "auto" : show_duration<&ServeConfig::chunk_length>(config);
}

}  // namespace

const std::vector<ServeConfigKey>& serve_config_keys() {
  using C = ServeConfig;
  static const std::vector<ServeConfigKey> keys = {
      {"host", "Server", "HOST", "Address to listen on; without API keys only a loopback address is allowed",
       parse_non_empty<&C::host>, show_text<&C::host>},
      {"port", "Server", "PORT", "TCP port; 0 picks a free one", parse_int<&C::port, 0, 65535>,
       show_int<&C::port>, false, true},
      {"data_dir", "Server", "DIR", "Where the job database, uploads and results live",
       parse_path<&C::data_dir>, show_path<&C::data_dir>},
      {"workers", "Server", "N", "Jobs that run at once; 0 = cores / threads-per-job (at least 1)",
       parse_int<&C::workers, 0, 1024>, show_int<&C::workers>, false, true},
      {"threads_per_job", "Server", "N", "CPU threads each job uses", parse_int<&C::threads_per_job, 1, 256>,
       show_int<&C::threads_per_job>, false, true},
      {"max_upload_size", "Server", "SIZE", "Largest upload accepted: bytes, or with K, M, G (500M)",
       parse_size<&C::max_upload_size, false>, show_size<&C::max_upload_size>},
      {"max_media_duration", "Server", "DURATION", "Longest audio accepted, by the probe at upload (s, m, h); 0 = no cap",
       parse_duration_value<&C::max_media_duration>, show_duration<&C::max_media_duration>},
      {"retention", "Server", "DURATION", "Remove media and results older than this (s, m, h, d); 0 = keep forever",
       parse_duration_value<&C::retention>, show_duration<&C::retention>},
      {"shutdown_grace", "Server", "DURATION", "On SIGTERM, how long running jobs may take to finish",
       parse_duration_value<&C::shutdown_grace>, show_duration<&C::shutdown_grace>, false, false, false, kForBoth},
      {"engine", "Transcription", "NAME", "whisper or sphinx; empty = whisper when a model is installed",
       parse_engine, show_text<&C::engine>, false, false, false, kForBoth},
      {"model", "Transcription", "NAME|PATH", "Whisper model for jobs that name none",
       parse_text<&C::model>, show_text<&C::model>, false, false, false, kForBoth},
      {"chunk_length", "Transcription", "DURATION",
       "Cut long audio at silences into chunks this long; 0 = whole file; auto (the default) = the engine's: 300s, parakeet 60s",
       parse_chunk_length, show_chunk_length, false, false, false, kForBoth},
      {"split_chunks", "Transcription", "BOOL",
       "Run the chunks of a file longer than one chunk on every free worker at once (true or false)",
       parse_bool<&C::split_chunks>, show_bool<&C::split_chunks>, false, true, false, kForBoth},
      {"api_keys_file", "Access", "FILE", "API keys, one per line (key, or name: key); requests then need Bearer",
       parse_path<&C::api_keys_file>, show_path<&C::api_keys_file>},
      {"api_keys", "Access", "KEYS", "API keys as a comma list of key or name: key",
       parse_list<&C::api_keys>, show_api_keys, false, false, true},
      {"allow_public", "Access", "", "Listen on a non-loopback address even without API keys",
       parse_bool<&C::allow_public>, show_bool<&C::allow_public>, true, true},
      {"public_metrics", "Access", "", "GET /metrics without an API key even when the server has keys",
       parse_bool<&C::public_metrics>, show_bool<&C::public_metrics>, true, true},
      {"cors_origins", "Access", "ORIGINS",
       "Web origins allowed to call the API from a browser, as a comma list (https://app.example.com); * = any",
       parse_cors_origins, show_list<&C::cors_origins>},
      {"tls_cert", "Access", "FILE", "Serve HTTPS with this PEM certificate (chain); needs --tls-key",
       parse_path<&C::tls_cert>, show_path<&C::tls_cert>},
      {"tls_key", "Access", "FILE", "The PEM private key of --tls-cert",
       parse_path<&C::tls_key>, show_path<&C::tls_key>},
      {"header_timeout", "Limits", "DURATION", "A request's header must arrive whole within this",
       parse_timeout<&C::header_timeout>, show_duration<&C::header_timeout>},
      {"transfer_timeout", "Limits", "DURATION",
       "Each 64 KiB of an upload or download must move within this (a minimum rate)",
       parse_timeout<&C::transfer_timeout>, show_duration<&C::transfer_timeout>},
      {"keepalive_timeout", "Limits", "DURATION", "Idle kept-alive connections are closed after this",
       parse_timeout<&C::keepalive_timeout>, show_duration<&C::keepalive_timeout>},
      {"max_connections", "Limits", "N", "Open connections in all (more get 503); 0 = no cap",
       parse_int<&C::max_connections, 0, 1000000>, show_int<&C::max_connections>, false, true},
      {"max_connections_per_client", "Limits", "N", "Open connections from one address (more get 503); 0 = no cap",
       parse_int<&C::max_connections_per_client, 0, 1000000>, show_int<&C::max_connections_per_client>, false, true},
      {"max_queued_per_key", "Limits", "N", "Jobs one API key may have waiting (more get 429); 0 = no cap",
       parse_int<&C::max_queued_per_key, 0, 100000000>, show_int<&C::max_queued_per_key>, false, true},
      {"min_free_disk", "Limits", "SIZE", "Uploads get 507 when the data disk would have less free than this; 0 = off",
       parse_size<&C::min_free_disk, true>, show_size<&C::min_free_disk>},
      {"log_format", "Logging", "FORMAT", "json (one object per line) or text", parse_log_format_value,
       show_log_format, false, false, false, kForBoth},
      {"log_level", "Logging", "LEVEL", "trace, debug, info, warn, error, critical or off", parse_log_level_value,
       show_text<&C::log_level>, false, false, false, kForBoth},
      {"broker_url", "Distributed mode", "URL", "RabbitMQ for jobs (amqp://...); empty = in-process queue",
       parse_text<&C::broker_url>, show_text<&C::broker_url>, false, false, false, kForBoth},
      {"redis_url", "Distributed mode", "URL", "Redis for progress events (redis://...); empty = in-process",
       parse_text<&C::redis_url>, show_text<&C::redis_url>, false, false, false, kForBoth},
      {"queue_name", "Distributed mode", "NAME",
       "RabbitMQ queue for jobs (with NAME.retry and NAME.dead beside it)",
       parse_non_empty<&C::queue_name>, show_text<&C::queue_name>, false, false, false, kForBoth},
      {"max_attempts", "Distributed mode", "N",
       "Runs of a job whose failure may pass (a server away, a worker lost) before it fails",
       parse_int<&C::max_attempts, 1, 100>, show_int<&C::max_attempts>, false, true, false, kForBoth},
      {"slots", "Worker", "N", "Jobs this worker runs at once (also its RabbitMQ prefetch); 0 = cores / threads",
       parse_int<&C::workers, 0, 1024>, show_int<&C::workers>, false, true, false, kForWorker},
      {"threads", "Worker", "N", "CPU threads each job uses", parse_int<&C::threads_per_job, 1, 256>,
       show_int<&C::threads_per_job>, false, true, false, kForWorker},
      {"api_url", "Worker", "URL", "The API (http://host:8000) this worker fetches each job's media from",
       parse_text<&C::api_url>, show_text<&C::api_url>, false, false, false, kForWorker},
      {"media_dir", "Worker", "DIR", "The API's media directory (DATA_DIR/media), when shared; instead of fetching over HTTP",
       parse_path<&C::media_dir>, show_path<&C::media_dir>, false, false, false, kForWorker},
      {"health_file", "Worker", "FILE",
       "Touched after each heartbeat the store took, for health checks (deploy/docker-healthcheck)",
       parse_path<&C::health_file>, show_path<&C::health_file>, false, false, false, kForWorker},
      {"database_url", "Distributed mode", "URL", "PostgreSQL for jobs (postgresql://...); empty = SQLite in the data dir",
       parse_text<&C::database_url>, show_text<&C::database_url>, false, false, false, kForBoth},
  };
  return keys;
}

const ServeConfigKey* find_serve_config_key(std::string_view name) {
  for (const auto& key : serve_config_keys()) {
    if (key.name == name) return &key;
  }
  return nullptr;
}

std::string flag_name(const ServeConfigKey& key) {
  std::string flag = "--" + std::string(key.name);
  for (char& c : flag) c = c == '_' ? '-' : c;
  return flag;
}

std::string env_name(const ServeConfigKey& key) {
  std::string name = "SOUNDSCRIPTER_" + std::string(key.name);
  for (char& c : name) c = (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
  return name;
}

}  // namespace soundscripter
