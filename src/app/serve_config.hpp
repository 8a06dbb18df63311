// The configuration of `soundscripter serve` (and of `worker`, which uses a
// subset): the values, where each came from, and the checks that run
// before anything starts.
//
// Every setting is one row of the key table (serve_config_keys.cpp), which
// gives its flag (--max-upload-size), environment variable
// (SOUNDSCRIPTER_MAX_UPLOAD_SIZE), config file key (max_upload_size), help
// text, default and parser. Sources apply lowest first, so a later one wins:
//   defaults < config file (--config or $SOUNDSCRIPTER_CONFIG)
//            < SOUNDSCRIPTER_* environment < command-line flags
// CLI11's own env/config support would put the file above the environment,
// so flags are parsed into strings and the table applies all four here.
//
// The serve command does:
//   ServeCommandLine command_line;
//   add_serve_options(command, command_line, default_serve_config(env));  // register
//   ... CLI11 parses ...
//   auto resolved = resolve_serve_config(command_line, env);              // apply
//   if (command_line.show_config) print show_serve_config(resolved);
//   validate_serve_config(resolved);   // throws with every problem at once
//   run(resolved.config);
#pragma once

#include <CLI/CLI.hpp>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "util/environment.hpp"
#include "util/logging.hpp"

namespace soundscripter {

struct ServeConfig {
  std::string host = "127.0.0.1";
  int port = 8000;  // 0: any free port (the server prints the one it got)
  // Jobs database, uploads and results. The default is per user
  // ($XDG_DATA_HOME/soundscripter, else ~/.local/share/soundscripter, next
  // to the models), so a restart finds the same jobs whatever directory the
  // server is started from.
  std::filesystem::path data_dir;
  int workers = 0;          // 0: cores / threads_per_job, at least 1
  int threads_per_job = 1;  // default min(4, cores)
  std::string engine;       // "" chooses as `transcribe` does
  std::string model;        // default for jobs that name none
  std::uint64_t max_upload_size = 1ull << 30;
  // Longest audio a job may hold, by the probe at upload; 0: no cap. A
  // tiny file can claim days of audio (a WAV at 1 Hz), and workers would
  // spend those days on it.
  std::chrono::seconds max_media_duration{24 * 3600};
  std::filesystem::path api_keys_file;
  std::vector<std::string> api_keys;  // "key" or "name: key" entries
  bool public_metrics = false;        // /metrics without a key on a keyed server
  bool split_chunks = true;           // chunks of one long file run on many workers at once
  bool allow_public = false;          // serve without keys on a non-loopback host
  std::chrono::seconds retention{7 * 24 * 3600};  // 0: keep forever
  std::chrono::seconds chunk_length{-1};          // 0: no chunking; -1: the engine's own length
  LogFormat log_format = LogFormat::json;
  std::string log_level = "info";
  std::chrono::seconds shutdown_grace{30};
  // Limits a public server needs (HttpServerOptions says what each bounds).
  std::chrono::seconds header_timeout{10};
  std::chrono::seconds transfer_timeout{30};
  std::chrono::seconds keepalive_timeout{30};
  int max_connections = 4096;             // 0: no cap
  int max_connections_per_client = 256;   // 0: no cap
  int max_queued_per_key = 1000;          // jobs waiting per API key; 0: no cap
  std::uint64_t min_free_disk = 256ull << 20;  // uploads refused below this; 0: not checked
  // Web pages of these origins may call the API from a browser ("*": any).
  std::vector<std::string> cors_origins;
  // HTTPS with this PEM certificate chain and private key (both or neither).
  std::filesystem::path tls_cert;
  std::filesystem::path tls_key;
  // Distributed mode; "" means the embedded implementation.
  std::string broker_url;
  std::string redis_url;
  std::string database_url;
  // The RabbitMQ queue (NAME, NAME.retry, NAME.dead): clusters, or tests,
  // that share one broker keep apart by name.
  std::string queue_name = "soundscripter.jobs";
  int max_attempts = 3;
  // `worker` only: where it gets media (one of the two).
  std::string api_url;
  std::filesystem::path media_dir;
  std::filesystem::path health_file;  // touched at each stored heartbeat

  // How many jobs run at once: workers, or cores / threads_per_job.
  int worker_count(unsigned cores = std::thread::hardware_concurrency()) const;
  bool has_api_keys() const { return !api_keys.empty() || !api_keys_file.empty(); }
};

// The defaults on this machine: data_dir from the environment's XDG/HOME,
// threads_per_job from the number of cores.
ServeConfig default_serve_config(const Environment& environment,
                                 unsigned cores = std::thread::hardware_concurrency());

// What the command line said, kept as text until resolve applies it last.
struct ServeCommandLine {
  std::string config_file;   // --config
  bool show_config = false;  // --show-config
  // kForServe or kForWorker: only that command's keys are read from the
  // environment and the config file, so one environment (Supervisor's, a
  // shared file) can hold both commands' settings: SOUNDSCRIPTER_SLOTS
  // sizes the workers and never the API's own worker count.
  unsigned for_command = 1;
  std::vector<std::pair<std::string, std::string>> values;  // (key, text) of each flag given
};

// Registers every key's flag (with its env name and default in the help),
// plus --config and --show-config. defaults only feed the help text.
// for_command: kForServe or kForWorker (serve_config_keys.hpp).
void add_serve_options(CLI::App& command, ServeCommandLine& command_line, const ServeConfig& defaults,
                       unsigned for_command = 1);

struct ResolvedServeConfig {
  ServeConfig config;
  std::filesystem::path config_file;            // "" when none was given
  std::map<std::string, std::string> origins;   // key -> "default", "file PATH:LINE", "env NAME", "flag --name"
  std::vector<std::string> problems;            // values that were refused, each naming its source

  const std::string& origin(const std::string& key) const;
};

// Applies defaults, the config file, the environment and the flags in that
// order. Never throws for a bad value: each one becomes a problem (e.g.
// "serve.toml:3: max_upload_size: '12Q' is not a size (...)") and the value
// keeps what the lower sources gave it, so --show-config can still print.
ResolvedServeConfig resolve_serve_config(const ServeCommandLine& command_line, const Environment& environment,
                                         unsigned cores = std::thread::hardware_concurrency());

// Throws Error(invalid_argument) listing, one per line, every problem from
// resolving plus those of the values together (a public host without API
// keys, a chunk length under 30 s, ...).
void validate_serve_config(const ResolvedServeConfig& resolved);

// The same for `worker`: the three servers of distributed mode, and where
// it gets media (api_url or media_dir).
void validate_worker_config(const ResolvedServeConfig& resolved);

// The effective configuration as a config file, each line commented with
// its origin; API keys and URL passwords are never shown.
std::string show_serve_config(const ResolvedServeConfig& resolved);

// amqp://user:secret@host/ -> amqp://user:***@host/ (for logs, /readyz,
// --show-config).
std::string mask_url_password(const std::string& url);

// Whether host only accepts connections from this machine (localhost,
// 127.0.0.0/8, ::1).
bool is_loopback_host(const std::string& host);

}  // namespace soundscripter
