// The options of `soundscripter transcribe`, kept apart from the command so
// they can be parsed and checked in tests without running anything.
#pragma once

#include <CLI/CLI.hpp>

#include <string>
#include <vector>

#include "engine/audio_chunker.hpp"
#include "engine/engine.hpp"
#include "transcript/formats.hpp"

namespace soundscripter {

struct TranscribeSettings {
  std::vector<std::string> files;
  EngineSpec engine;
  EngineOptions options;
  ChunkingOptions chunking;
  std::string formats = "txt";
  std::string output_dir;
  int max_line_width = 0;
  bool quiet = false;
  bool beam_size_given = false;  // else options.beam_size stays 0, the engine's default
};

// Declares every flag on the subcommand, writing into settings.
void add_transcribe_options(CLI::App& command, TranscribeSettings& settings);

// Checks the values together (after parsing); throws Error(invalid_argument)
// listing every problem at once, one per line.
void validate(const TranscribeSettings& settings);

}  // namespace soundscripter
