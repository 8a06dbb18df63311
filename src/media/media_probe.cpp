// probe_media: what the upload check needs to accept or refuse a file,
// without decoding any of its audio.
#include "media/audio_decoder.hpp"
#include "media/media_open.hpp"

namespace soundscripter {

MediaInfo probe_media(const std::filesystem::path& path) {
  FfmpegLog log;
  return open_media(path, log).info;
}

}  // namespace soundscripter
