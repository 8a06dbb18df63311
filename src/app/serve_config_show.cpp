// --show-config: the effective settings as a config file that could be
// saved and used, each line saying where its value came from. Secrets stay
// out: API keys are counted, not printed, and URL passwords are masked.
#include <nlohmann/json.hpp>

#include "app/serve_config.hpp"
#include "app/serve_config_keys.hpp"

namespace soundscripter {
std::string mask_url_password(const std::string& url) {
  const auto scheme_end = url.find("://");
  if (scheme_end == std::string::npos) return url;
  const auto authority_start = scheme_end + 3;
  const auto at = url.find('@', authority_start);
  const auto path_start = url.find('/', authority_start);
  if (at == std::string::npos || (path_start != std::string::npos && path_start < at)) return url;
  const auto colon = url.find(':', authority_start);
  if (colon == std::string::npos || colon > at) return url;
  return url.substr(0, colon + 1) + "***" + url.substr(at);
}

std::string show_serve_config(const ResolvedServeConfig& resolved) {
  std::string out = "# soundscripter serve: effective configuration";
  if (!resolved.config_file.empty()) out += " (config file " + resolved.config_file.string() + ")";
  out += "\n";
  for (const auto& key : serve_config_keys()) {
    std::string value = key.show(resolved.config);
    if (key.name.ends_with("_url")) value = mask_url_password(value);
    std::string line = key.secret ? "# " + std::string(key.name) + ": " + (value.empty() ? "none" : value)
                       : key.bare_in_file ? std::string(key.name) + " = " + value
                                          : std::string(key.name) + " = " + nlohmann::json(value).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    if (line.size() < 40) line.resize(40, ' ');
    out += line + "  # " + resolved.origin(std::string(key.name)) + "\n";
  }
  for (const auto& problem : resolved.problems) out += "# problem: " + problem + "\n";
  return out;
}

}  // namespace soundscripter
