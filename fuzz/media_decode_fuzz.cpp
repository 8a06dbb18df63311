// probe_media and AudioDecoder (src/media/audio_decoder.hpp) on any file:
// the bytes are written to a scratch file (both open a path), under a name
// whose extension the first byte picks, since FFmpeg's probing weighs it.
//
// Properties: probing and decoding agree on the file, refuse it only with
// the media error codes, and decode to finite samples in [-1, 1]. At most
// kMaxSeconds of audio are decoded, so no input runs long.
//
// FFmpeg itself is not instrumented: coverage guides the fuzzer through our
// code (media_open.cpp, audio_decoder.cpp, resampler.cpp), and FFmpeg's
// bugs show only if they crash.
#include <cmath>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include "fuzz_support.hpp"
#include "media/audio_decoder.hpp"
#include "media/ffmpeg_log.hpp"
#include "util/error.hpp"

namespace {

using namespace soundscripter;

constexpr std::size_t kMaxSeconds = 20;
// The playlist and list formats are here because open_media must refuse them.
constexpr const char* kExtensions[16] = {"",     ".wav", ".mp3",  ".ogg", ".flac",     ".m4a",
                                         ".aac", ".webm", ".mkv", ".mp4", ".opus",     ".amr",
                                         ".txt", ".m3u8", ".aiff", ".ffconcat"};

bool is_refusal(ErrorCode code) {
  return code == ErrorCode::unsupported_media || code == ErrorCode::no_audio_stream ||
         code == ErrorCode::corrupt_media;
}

void check_info(const MediaInfo& info) {
  FUZZ_CHECK(!info.container.empty() && !info.codec.empty());
  FUZZ_CHECK(info.stream_index >= 0 && info.sample_rate > 0 && info.channels > 0);
  FUZZ_CHECK(std::isfinite(info.duration) && info.duration >= 0);
}

void read_samples(AudioDecoder& decoder) {
  std::vector<float> samples;
  std::size_t total = 0;
  try {
    while (total < kMaxSeconds * kSampleRate) {
      samples.clear();
      const std::size_t got = decoder.read(samples, 4096);
      FUZZ_CHECK(got == samples.size() && got <= 4096);
      for (float sample : samples) FUZZ_CHECK(std::isfinite(sample) && sample >= -1.0f && sample <= 1.0f);
      total += got;
      FUZZ_CHECK(decoder.samples_read() == static_cast<std::int64_t>(total));
      if (got == 0) {
        FUZZ_CHECK(decoder.read(samples, 4096) == 0);  // the end stays the end
        break;
      }
    }
  } catch (const Error& error) {
    FUZZ_CHECK(error.code() == ErrorCode::corrupt_media);
    FUZZ_CHECK(total == 0);  // damage after some audio is a warning, not an error
  }
}

void decode(const std::filesystem::path& path, const MediaInfo& probed) {
  std::optional<AudioDecoder> decoder;
  try {
    decoder.emplace(path);
  } catch (const Error& error) {
    // Starting the codec can still fail on parameters probing accepted.
    FUZZ_CHECK(error.code() == ErrorCode::unsupported_media || error.code() == ErrorCode::corrupt_media);
    return;
  }
  const MediaInfo& info = decoder->info();
  FUZZ_CHECK(info.container == probed.container && info.codec == probed.codec);
  FUZZ_CHECK(info.stream_index == probed.stream_index && info.sample_rate == probed.sample_rate);
  FUZZ_CHECK(info.channels == probed.channels);
  read_samples(*decoder);
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  soundscripter::silence_ffmpeg_log();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::filesystem::path path = fuzz::scratch_dir() / (std::string("input") + kExtensions[data[0] & 15]);
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data + 1), static_cast<std::streamsize>(size - 1));
  }
  std::optional<MediaInfo> probed;
  try {
    probed = probe_media(path);
    check_info(*probed);
  } catch (const Error& error) {
    FUZZ_CHECK(size == 1 ? error.code() == ErrorCode::empty_input : is_refusal(error.code()));
    // The decoder opens the file the same way and must refuse it alike.
    try {
      AudioDecoder decoder(path);
      FUZZ_CHECK(false && "the decoder opened a file probe_media refused");
    } catch (const Error& again) {
      FUZZ_CHECK(again.code() == error.code());
    }
  }
  if (probed) decode(path, *probed);
  std::filesystem::remove(path);
  return 0;
}
