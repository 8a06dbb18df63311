// `soundscripter transcribe FILE...`.
#include "app/commands.hpp"

namespace soundscripter {

void register_transcribe_command(CLI::App& app) {
  app.add_subcommand("transcribe", "Transcribe media files");
}

}  // namespace soundscripter
