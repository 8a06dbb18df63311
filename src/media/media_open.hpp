// Opens a media file with libavformat and chooses the audio stream to
// decode; shared by probe_media and AudioDecoder so both refuse a file with
// the same error.
//
// Every way a file can fail to be usable audio ends here as an Error whose
// code says which (missing, empty, not media, an image, no audio, damaged
// header) and whose message starts with the file's path.
#pragma once

#include <filesystem>

#include "media/audio_decoder.hpp"
#include "media/av_handles.hpp"
#include "media/ffmpeg_log.hpp"

namespace soundscripter {

struct OpenedMedia {
  av::IoContextPtr file;  // declared first so the format context closes before it
  av::FormatContextPtr format;
  const AVCodec* decoder = nullptr;  // for the chosen audio stream
  MediaInfo info;
  // The stated duration was guessed from the bitrate and file size (raw MP3
  // without a Xing header, ...), so a shortfall is not proof of truncation.
  bool duration_is_estimate = false;
  // What a WAV header claims when that is longer than FFmpeg states (FFmpeg
  // ignores a data size larger than the file); 0 otherwise.
  double duration_claimed_by_header = 0;
};

// Opens `path` and picks its best audio stream; every other stream is set to
// be skipped by the demuxer. FFmpeg's messages go to `log`. Throws Error with
// not_found, empty_input, unsupported_media, no_audio_stream or corrupt_media.
//
// Only `path` itself is ever read: FFmpeg's playlist and concat demuxers
// (HLS, ffconcat) and MP4 data references would otherwise open the files an
// uploaded text names, and a service would transcribe another user's upload
// or send requests to the network on an attacker's behalf.
OpenedMedia open_media(const std::filesystem::path& path, FfmpegLog& log);

}  // namespace soundscripter
