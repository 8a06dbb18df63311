// --server and --key, shared by the commands that talk to a running
// server (`submit`, `jobs list|show|cancel|delete|download`).
#pragma once

#include <CLI/CLI.hpp>

#include <string>

#include "client/api_client.hpp"

namespace soundscripter {

struct ServerFlags {
  std::string url;
  std::string key;
};

void add_server_options(CLI::App& command, ServerFlags& flags);

// A client for the server the flags, SOUNDSCRIPTER_SERVER /
// SOUNDSCRIPTER_API_KEY or the default name.
ApiClient server_client(const ServerFlags& flags);

}  // namespace soundscripter
