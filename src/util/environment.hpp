// The process environment as a value, and the per-user data directory the
// XDG base-directory rules derive from it.
//
// Code that reads configuration takes an Environment instead of calling
// getenv, so tests pass a map and never touch the real environment.
#pragma once

#include <filesystem>
#include <map>
#include <string>

namespace soundscripter {

using Environment = std::map<std::string, std::string>;

// A copy of this process's environment.
Environment process_environment();

// The value of name, or "" when it is unset.
std::string environment_value(const Environment& environment, const std::string& name);

// $XDG_DATA_HOME when it is absolute (the spec says to ignore a relative
// one), else $HOME/.local/share, else the passwd entry's home (services
// started without HOME), else the current directory.
std::filesystem::path user_data_home(const Environment& environment);

}  // namespace soundscripter
