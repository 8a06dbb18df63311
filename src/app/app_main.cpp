// The top level: one table of subcommands, each registered by its own file.
#include "app/app_main.hpp"

#include <CLI/CLI.hpp>

#include "app/commands.hpp"

namespace soundscripter {

int app_main(int argc, char** argv) {
  CLI::App app{"SoundScripter: turns audio and video into text"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "soundscripter 0.1.0");

  register_transcribe_command(app);
  register_models_command(app);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  return command_exit_status();
}

}  // namespace soundscripter
