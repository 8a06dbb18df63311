// Reads the environment once into a map; see environment.hpp for why.
#include "util/environment.hpp"

#include <pwd.h>
#include <unistd.h>

extern char** environ;

namespace soundscripter {

Environment process_environment() {
  Environment environment;
  for (char** entry = environ; entry && *entry; ++entry) {
    std::string text(*entry);
    const auto equals = text.find('=');
    if (equals == std::string::npos) continue;
    environment.emplace(text.substr(0, equals), text.substr(equals + 1));
  }
  return environment;
}

std::string environment_value(const Environment& environment, const std::string& name) {
  auto it = environment.find(name);
  return it == environment.end() ? std::string() : it->second;
}

std::filesystem::path user_data_home(const Environment& environment) {
  if (auto data_home = environment_value(environment, "XDG_DATA_HOME");
      !data_home.empty() && data_home.front() == '/') {
    return data_home;
  }
  std::filesystem::path home = environment_value(environment, "HOME");
  if (home.empty()) {
    if (const passwd* entry = getpwuid(getuid()); entry && entry->pw_dir) home = entry->pw_dir;
  }
  if (home.empty()) return std::filesystem::current_path();
  return home / ".local" / "share";
}

}  // namespace soundscripter
