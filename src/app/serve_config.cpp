// Resolving the serve configuration: the precedence of the four sources,
// one numbered step each (as ccache's Config::read does), and the checks
// that need several values at once.
#include "app/serve_config.hpp"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>

#include <algorithm>

#include "app/config_file.hpp"
#include "app/serve_config_keys.hpp"
#include "util/error.hpp"

namespace soundscripter {
namespace {

namespace fs = std::filesystem;

// Applies one value; a refused one becomes a problem prefixed with where it
// came from ("serve.toml:3: port: ", "SOUNDSCRIPTER_PORT: ", "--port: ").
void apply(ResolvedServeConfig& resolved, const ServeConfigKey& key, std::string_view text, const fs::path& base_dir,
           const std::string& origin, const std::string& problem_prefix) {
  try {
    key.parse(text, base_dir, resolved.config);
    resolved.origins[std::string(key.name)] = origin;
  } catch (const Error& error) {
    resolved.problems.push_back(problem_prefix + error.what());
  }
}

fs::path current_directory() {
  std::error_code ignored;  // a deleted working directory: paths stay relative
  return fs::current_path(ignored);
}

}  // namespace

int ServeConfig::worker_count(unsigned cores) const {
  if (workers > 0) return workers;
  return std::max(1, static_cast<int>(std::max(cores, 1u)) / std::max(threads_per_job, 1));
}

ServeConfig default_serve_config(const Environment& environment, unsigned cores) {
  ServeConfig config;
  config.data_dir = user_data_home(environment) / "soundscripter";
  config.threads_per_job = static_cast<int>(std::clamp(cores, 1u, 4u));
  return config;
}

const std::string& ResolvedServeConfig::origin(const std::string& key) const {
  static const std::string unknown = "default";
  auto it = origins.find(key);
  return it == origins.end() ? unknown : it->second;
}

ResolvedServeConfig resolve_serve_config(const ServeCommandLine& command_line, const Environment& environment,
                                         unsigned cores) {
  ResolvedServeConfig resolved;
  const fs::path working_dir = current_directory();

  // Priority 4 (lowest): the defaults of this machine and user.
  resolved.config = default_serve_config(environment, cores);
  for (const auto& key : serve_config_keys()) resolved.origins[std::string(key.name)] = "default";

  // Priority 3: the config file. Relative paths in it are relative to the
  // file, so a file works the same wherever the server is started.
  fs::path file = command_line.config_file;
  if (file.empty()) file = environment_value(environment, "SOUNDSCRIPTER_CONFIG");
  if (!file.empty()) {
    resolved.config_file = file.is_absolute() ? file : (working_dir / file).lexically_normal();
    ConfigFileContents contents = read_config_file(file);
    resolved.problems = std::move(contents.problems);
    for (const auto& entry : contents.entries) {
      const std::string place = file.string() + ":" + std::to_string(entry.line);
      const ServeConfigKey* key = find_serve_config_key(entry.key);
      if (!key) {
        resolved.problems.push_back(place + ": unknown key '" + entry.key + "'");
        continue;
      }
      if (!(key->commands & command_line.for_command)) continue;  // the other command's
      apply(resolved, *key, entry.value, resolved.config_file.parent_path(), "file " + place,
            place + ": " + entry.key + ": ");
    }
  }

  // Priority 2: SOUNDSCRIPTER_* variables. An empty one counts as unset,
  // as container tools often pass every variable whether set or not.
  for (const auto& key : serve_config_keys()) {
    if (!(key.commands & command_line.for_command)) continue;  // the other command's
    const std::string name = env_name(key);
    const std::string value = environment_value(environment, name);
    if (!value.empty()) apply(resolved, key, value, working_dir, "env " + name, name + ": ");
  }

  // Priority 1 (highest): flags (CLI11 keeps the last of a repeated one).
  for (const auto& [key_name, value] : command_line.values) {
    const ServeConfigKey* key = find_serve_config_key(key_name);
    if (!key) continue;  // add_serve_options only records known keys
    apply(resolved, *key, value, working_dir, "flag " + flag_name(*key), flag_name(*key) + ": ");
  }
  return resolved;
}

void validate_serve_config(const ResolvedServeConfig& resolved) {
  std::vector<std::string> problems = resolved.problems;
  const ServeConfig& config = resolved.config;
  if (!is_loopback_host(config.host) && !config.has_api_keys() && !config.allow_public) {
    problems.push_back("host " + config.host + " (" + resolved.origin("host") +
                       ") accepts connections from other machines, but no API keys are configured: "
                       "set --api-keys-file or SOUNDSCRIPTER_API_KEYS, or --allow-public to serve without keys");
  }
  if (config.data_dir.empty()) problems.push_back("data_dir (" + resolved.origin("data_dir") + ") must not be empty");
  if (config.tls_cert.empty() != config.tls_key.empty()) {
    problems.push_back("HTTPS needs both tls_cert and tls_key (--tls-cert and --tls-key); only " +
                       std::string(config.tls_cert.empty() ? "tls_key" : "tls_cert") + " is set");
  }
  if (problems.empty()) return;
  std::string message;
  for (const auto& problem : problems) message += (message.empty() ? "" : "\n") + problem;
  throw Error(ErrorCode::invalid_argument, message);
}

void validate_worker_config(const ResolvedServeConfig& resolved) {
  std::vector<std::string> problems = resolved.problems;
  const ServeConfig& config = resolved.config;
  for (const auto& [key, value] : {std::pair{"broker_url", &config.broker_url},
                                   std::pair{"redis_url", &config.redis_url},
                                   std::pair{"database_url", &config.database_url}}) {
    if (value->empty()) {
      std::string flag = std::string("--") + key;
      std::replace(flag.begin(), flag.end(), '_', '-');
      std::string env = std::string("SOUNDSCRIPTER_") + key;
      std::transform(env.begin(), env.end(), env.begin(), ::toupper);
      problems.push_back(std::string("a worker needs ") + key + " (" + flag + " or " + env + ")");
    }
  }
  if (config.api_url.empty() && config.media_dir.empty()) {
    problems.push_back("a worker needs api_url (--api-url, the API it fetches media from) or media_dir "
                       "(--media-dir, the API's media directory when it is shared)");
  }
  if (problems.empty()) return;
  std::string message;
  for (const auto& problem : problems) message += (message.empty() ? "" : "\n") + problem;
  throw Error(ErrorCode::invalid_argument, message);
}

bool is_loopback_host(const std::string& host) {
  if (host == "localhost") return true;
  std::string address = host;
  if (address.size() > 2 && address.front() == '[' && address.back() == ']') address = address.substr(1, address.size() - 2);
  // As the system reads a numeric address (so "127.1" is 127.0.0.1, as the
  // server then binds it), never through DNS: every address it stands for
  // must be loopback.
  addrinfo hints{};
  hints.ai_flags = AI_NUMERICHOST;
  hints.ai_family = AF_UNSPEC;
  addrinfo* found = nullptr;
  if (getaddrinfo(address.c_str(), nullptr, &hints, &found) != 0) return false;
  bool loopback = found != nullptr;
  for (const addrinfo* entry = found; entry; entry = entry->ai_next) {
    if (entry->ai_family == AF_INET) {
      const auto* v4 = reinterpret_cast<const sockaddr_in*>(entry->ai_addr);
      loopback = loopback && (ntohl(v4->sin_addr.s_addr) >> 24) == 127;
    } else if (entry->ai_family == AF_INET6) {
      const unsigned char* bytes = reinterpret_cast<const sockaddr_in6*>(entry->ai_addr)->sin6_addr.s6_addr;
      static constexpr unsigned char loopback6[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
      static constexpr unsigned char mapped4_prefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
      loopback = loopback && (std::equal(bytes, bytes + 16, loopback6) ||
                              (std::equal(bytes, bytes + 12, mapped4_prefix) && bytes[12] == 127));
    } else {
      loopback = false;
    }
  }
  freeaddrinfo(found);
  return loopback;
}

}  // namespace soundscripter
