#include "models/model_file_reader.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>

#include "util/error.hpp"

namespace soundscripter {

ModelFileReader::ModelFileReader(const std::filesystem::path& path, const std::string& kind) {
  const std::string name = path.string();
  std::error_code error;
  const auto status = std::filesystem::status(path, error);
  if (!std::filesystem::exists(status)) throw Error(ErrorCode::not_found, name + ": no such model file");
  if (std::filesystem::is_directory(status)) {
    throw Error(ErrorCode::model_invalid, name + ": is a directory, not a model file");
  }
  if (std::filesystem::file_size(path, error) == 0 || error) {
    throw Error(ErrorCode::model_invalid, name + ": is empty, not a " + kind);
  }
  in_.open(path, std::ios::binary);
  if (!in_) throw Error(ErrorCode::model_invalid, name + ": cannot open: " + std::strerror(errno));
}

std::size_t ModelFileReader::read(void* context, void* output, std::size_t size) {
  auto* self = static_cast<ModelFileReader*>(context);
  self->in_.read(static_cast<char*>(output), static_cast<std::streamsize>(size));
  const auto got = static_cast<std::size_t>(std::max<std::streamsize>(self->in_.gcount(), 0));
  if (got < size) {
    std::memset(static_cast<char*>(output) + got, 0, size - got);  // never hand over stale bytes
    ++self->short_reads_;
    if (got != 0 || size != sizeof(std::int32_t)) self->short_read_inside_data_ = true;
  }
  return size;
}

std::string ModelFileReader::problem_after_load(bool loaded, const WhisperLogLines& log,
                                                const std::string& library) const {
  if (!loaded) {
    std::string why = log.summary();
    return why.empty() ? library + " could not load it" : why;
  }
  if (log.warned("no tensors loaded")) return "it holds no weights (cut short?)";
  if (!ended_cleanly()) return "the file ends early, inside its weights (truncated download?)";
  return "";
}

bool ModelFileReader::eof(void* context) { return static_cast<ModelFileReader*>(context)->in_.eof(); }

void ModelFileReader::close(void* context) { static_cast<ModelFileReader*>(context)->in_.close(); }

}  // namespace soundscripter
