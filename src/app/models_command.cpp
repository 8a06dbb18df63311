// `soundscripter models list|fetch|check`.
#include "app/commands.hpp"

namespace soundscripter {

void register_models_command(CLI::App& app) {
  app.add_subcommand("models", "List, check and fetch speech models");
}

}  // namespace soundscripter
