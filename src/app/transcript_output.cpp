#include "app/transcript_output.hpp"

#include <fstream>
#include <iostream>

#include "util/error.hpp"

namespace soundscripter {

std::filesystem::path transcript_path(const std::filesystem::path& input, TranscriptFormat format,
                                      const std::string& output_dir) {
  const std::filesystem::path dir = output_dir.empty() ? input.parent_path() : std::filesystem::path(output_dir);
  return dir / (input.stem().string() + "." + std::string(format_name(format)));
}

bool transcripts_to_stdout(std::size_t file_count, const std::string& output_dir) {
  return file_count == 1 && output_dir.empty();
}

void write_transcript_text(const std::string& text, const std::filesystem::path& path) {
  if (path.empty()) {
    std::cout << text << std::flush;
    return;
  }
  std::ofstream file(path, std::ios::binary);
  file << text;
  if (!file.flush()) {
    throw Error(ErrorCode::internal, "could not write " + path.string());
  }
}

}  // namespace soundscripter
