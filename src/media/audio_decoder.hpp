// Probe and decode any media FFmpeg can read into 16 kHz mono float samples.
//
// Decoding streams: read() hands out as many samples as asked for and keeps
// only FFmpeg's own buffers and at most one decoded frame in between, so
// memory does not grow with the length of the file (a 3-hour recording
// decodes in the same memory as a 3-minute one).
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace soundscripter {

inline constexpr int kSampleRate = 16000;  // what every engine consumes
// The highest source rate converted (DXD, 8 x 96 kHz). libswresample's
// filter grows with the ratio to 16 kHz: a WAV header claiming 1 GHz made
// it take 20 s and 1.2 GB for a 532-byte file (found by fuzz/).
inline constexpr int kMaxSourceSampleRate = 768000;

struct MediaInfo {
  std::filesystem::path path;
  std::string container;      // FFmpeg's short name: "wav", "mov,mp4,m4a,3gp,3g2,mj2", ...
  std::string codec;          // of the chosen audio stream: "pcm_s16le", "opus", ...
  int stream_index = -1;      // the audio stream chosen (the best one of a video)
  int sample_rate = 0;        // of the source stream
  int channels = 0;
  double duration = 0;        // seconds as the container states it; 0 when unknown
  bool has_video = false;
};

// Opens the file and picks its best audio stream. Throws Error with
// not_found, empty_input, unsupported_media (also for audio above
// kMaxSourceSampleRate) or no_audio_stream, each naming the file and the
// cause; corrupt_media when the file starts like media but its header is
// cut short or damaged. Images and text that FFmpeg happens to
// open are unsupported_media; a video without sound is no_audio_stream.
MediaInfo probe_media(const std::filesystem::path& path);

class AudioDecoder {
 public:
  // Opens and probes as probe_media does (and throws as it does).
  explicit AudioDecoder(const std::filesystem::path& path);
  ~AudioDecoder();
  AudioDecoder(const AudioDecoder&) = delete;
  AudioDecoder& operator=(const AudioDecoder&) = delete;

  const MediaInfo& info() const;

  // Appends up to max_samples samples (16 kHz mono float in [-1, 1]) to out;
  // returns how many it appended, 0 only at the end of the audio. Throws
  // Error(corrupt_media) when the file has no decodable audio at all; damage
  // after some audio was decoded ends the stream early and adds a warning.
  std::size_t read(std::vector<float>& out, std::size_t max_samples);

  // Samples handed out so far.
  std::int64_t samples_read() const;

  // Things a person should know about the result, e.g. that the file is
  // truncated and only the first 12.3 s could be decoded.
  const std::vector<std::string>& warnings() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Decodes a whole file into memory; for short files and tests.
std::vector<float> decode_whole_file(const std::filesystem::path& path,
                                     std::vector<std::string>* warnings = nullptr);

}  // namespace soundscripter
