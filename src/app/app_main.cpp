// The top level: one table of subcommands, each registered by its own file.
#include "app/app_main.hpp"

#include <CLI/CLI.hpp>

#include <cstdio>
#include <string>

#include "app/commands.hpp"

namespace soundscripter {

int app_main(int argc, char** argv) {
  CLI::App app{"SoundScripter: turns audio and video into text"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "soundscripter 0.1.0");

  register_transcribe_command(app);
  register_models_command(app);
  register_serve_command(app);
  register_worker_command(app);
  register_jobs_command(app);
  register_submit_command(app);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // CLI11 reports a mistyped command as "a subcommand is required"; name it instead.
    if (app.get_subcommands().empty() && argc > 1 && argv[1][0] != '-') {
      std::string known;
      for (const auto* command : app.get_subcommands([](CLI::App*) { return true; })) {
        known += (known.empty() ? "" : ", ") + command->get_name();
      }
      std::fprintf(stderr, "error: unknown command '%s' (commands: %s)\n", argv[1], known.c_str());
      return 2;
    }
    return app.exit(e);
  }
  return command_exit_status();
}

}  // namespace soundscripter
