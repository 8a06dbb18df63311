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

// The parts `submit` shares with `transcribe`: the FILE arguments; the
// options a job on a server also takes (engine, model, language,
// translate, decoding, word timestamps, VAD); and where the transcripts go
// (--format, --output-dir, --quiet).
void add_file_arguments(CLI::App& command, TranscribeSettings& settings);
void add_job_options(CLI::App& command, TranscribeSettings& settings);
void add_output_options(CLI::App& command, TranscribeSettings& settings);

// Checks the values together (after parsing); throws Error(invalid_argument)
// listing every problem at once, one per line.
void validate(const TranscribeSettings& settings);
// The same for the options add_job_options and add_output_options declare.
void validate_job_and_output(const TranscribeSettings& settings);

}  // namespace soundscripter
