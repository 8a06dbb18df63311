#include "app/server_options.hpp"

#include "util/environment.hpp"

namespace soundscripter {

void add_server_options(CLI::App& command, ServerFlags& flags) {
  command.add_option("--server", flags.url,
                     std::string("Server URL (default: $SOUNDSCRIPTER_SERVER, else ") + kDefaultServerUrl + ")");
  command.add_option("--key", flags.key, "API key (default: $SOUNDSCRIPTER_API_KEY)");
}

ApiClient server_client(const ServerFlags& flags) {
  return ApiClient(resolve_server_address(flags.url, flags.key, process_environment()));
}

}  // namespace soundscripter
