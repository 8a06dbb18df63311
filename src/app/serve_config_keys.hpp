// The one table of ServeConfig's settings: every name, help text and
// parser is here, and the flags, environment variables, config file keys,
// --help and --show-config are all derived from it.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "app/serve_config.hpp"

namespace soundscripter {

// Which commands a key belongs to: `serve`, `worker`, or both. Flags and
// --help are per command; the environment and config files may hold keys of
// either (one file can configure a whole host).
inline constexpr unsigned kForServe = 1;
inline constexpr unsigned kForWorker = 2;
inline constexpr unsigned kForBoth = kForServe | kForWorker;

struct ServeConfigKey {
  std::string_view name;        // config file key: "max_upload_size"
  std::string_view group;       // section of --help
  std::string_view value_name;  // in --help: "SIZE"
  std::string_view help;
  // Reads text into config; throws Error(invalid_argument) saying why not
  // ("'12Q' is not a size ..."); the caller adds where the text came from.
  // Relative paths are taken from base_dir.
  void (*parse)(std::string_view text, const std::filesystem::path& base_dir, ServeConfig& config);
  // The value as one would write it in a flag ("1G", "7d", "true").
  std::string (*show)(const ServeConfig& config);
  bool is_switch = false;     // a flag without a value (--allow-public)
  bool bare_in_file = false;  // numbers and booleans: not quoted in a config file
  bool secret = false;        // never shown, and no flag (argv is visible in ps)
  unsigned commands = kForServe;
};

const std::vector<ServeConfigKey>& serve_config_keys();
const ServeConfigKey* find_serve_config_key(std::string_view name);

std::string flag_name(const ServeConfigKey& key);  // "--max-upload-size"
std::string env_name(const ServeConfigKey& key);   // "SOUNDSCRIPTER_MAX_UPLOAD_SIZE"

}  // namespace soundscripter
