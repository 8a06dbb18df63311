// Where `transcribe` and `submit` put the transcripts they make: one file
// per input and format, named after the input (talk.mp3 -> talk.srt),
// beside the input or in --output-dir; one input without --output-dir goes
// to stdout instead (in one format; validate() checks that).
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>

#include "transcript/formats.hpp"

namespace soundscripter {

// DIR/STEM.FORMAT, with DIR the output_dir or else the input's own folder.
std::filesystem::path transcript_path(const std::filesystem::path& input, TranscriptFormat format,
                                      const std::string& output_dir);

// Whether the transcripts of file_count inputs go to stdout.
bool transcripts_to_stdout(std::size_t file_count, const std::string& output_dir);

// Writes text to the file at path, or to stdout when path is empty. Throws
// Error(internal) naming the file when it cannot be written.
void write_transcript_text(const std::string& text, const std::filesystem::path& path);

}  // namespace soundscripter
