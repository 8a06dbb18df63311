// Making and caching the test media; see test_media.hpp.
#include "support/test_media.hpp"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <fstream>
#include <functional>
#include <iterator>
#include <random>
#include <stdexcept>
#include <vector>

#include "support/process.hpp"
#include "support/test_paths.hpp"

namespace soundscripter::test {
namespace {

namespace fs = std::filesystem;

// Long files take a while to encode on a busy machine.
constexpr int kFfmpegTimeoutSeconds = 1800;

fs::path media_dir() {
  fs::path dir = test_data_dir() / "media";
  fs::create_directories(dir);
  return dir;
}

// A name no other process or thread picks; it keeps `extension` because
// ffmpeg chooses the muxer from the output's extension.
fs::path temporary_name_for(const fs::path& final_path, const std::string& extension) {
  static std::atomic<int> counter{0};
  return final_path.parent_path() /
         (final_path.stem().string() + ".tmp-" + std::to_string(getpid()) + "-" +
          std::to_string(counter++) + extension);
}

// media_dir()/name, made by make(temporary path) when it is not there yet.
// make_extension is the extension make() should write to when it differs from
// name's (a PNG that is renamed .mp3 afterwards).
fs::path cached(const std::string& name, const std::function<void(const fs::path&)>& make,
                const std::string& make_extension = "") {
  fs::path final_path = media_dir() / name;
  if (fs::exists(final_path)) return final_path;
  fs::path temporary = temporary_name_for(
      final_path, make_extension.empty() ? final_path.extension().string() : make_extension);
  try {
    make(temporary);
    fs::rename(temporary, final_path);
  } catch (...) {
    std::error_code ignored;
    fs::remove(temporary, ignored);
    throw;
  }
  return final_path;
}

void run_ffmpeg(const std::vector<std::string>& arguments) {
  std::vector<std::string> argv = {"ffmpeg",    "-nostdin", "-hide_banner",
                                   "-loglevel", "error",    "-y"};
  argv.insert(argv.end(), arguments.begin(), arguments.end());
  ProcessResult result = run_process(argv, kFfmpegTimeoutSeconds);
  if (result.exit_code != 0) {
    std::string command;
    for (const auto& argument : argv) command += argument + " ";
    throw std::runtime_error("ffmpeg failed (" + std::to_string(result.exit_code) +
                             "): " + command + "\n" + result.err);
  }
}

bool ffmpeg_has_encoder(const std::string& name) {
  static const std::string encoders = run_process({"ffmpeg", "-hide_banner", "-encoders"}, 60).out;
  return encoders.find(" " + name + " ") != std::string::npos;
}

std::vector<std::string> video_codec_arguments(MediaFormat format) {
  if (format == MediaFormat::webm_video) {
    return {"-c:v", "libvpx", "-deadline", "realtime", "-cpu-used", "8", "-b:v", "100k"};
  }
  if (ffmpeg_has_encoder("libx264")) {
    return {"-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p"};
  }
  return {"-c:v", "mpeg4"};
}

std::vector<std::string> audio_codec_arguments(MediaFormat format) {
  switch (format) {
    case MediaFormat::wav:
      return {"-ar", "16000", "-ac", "1", "-c:a", "pcm_s16le"};
    case MediaFormat::wav_44k_stereo:
      return {"-ar", "44100", "-ac", "2", "-c:a", "pcm_s16le"};
    case MediaFormat::mp3:
      return {"-c:a", "libmp3lame", "-b:a", "64k"};
    case MediaFormat::opus:
      return {"-c:a", "libopus", "-b:a", "32k"};
    case MediaFormat::flac:
      return {"-c:a", "flac"};
    case MediaFormat::m4a:
      return {"-c:a", "aac", "-b:a", "64k"};
    case MediaFormat::mp4_video:
      return {"-c:a", "aac", "-b:a", "64k"};
    case MediaFormat::webm_video:
      return {"-c:a", "libopus", "-b:a", "32k"};
  }
  throw std::logic_error("unknown MediaFormat");
}

std::string extension_of(MediaFormat format) {
  switch (format) {
    case MediaFormat::wav:
    case MediaFormat::wav_44k_stereo:
      return ".wav";
    case MediaFormat::mp3:
      return ".mp3";
    case MediaFormat::opus:
      return ".opus";
    case MediaFormat::flac:
      return ".flac";
    case MediaFormat::m4a:
      return ".m4a";
    case MediaFormat::mp4_video:
      return ".mp4";
    case MediaFormat::webm_video:
      return ".webm";
  }
  throw std::logic_error("unknown MediaFormat");
}

bool is_video(MediaFormat format) {
  return format == MediaFormat::mp4_video || format == MediaFormat::webm_video;
}

// Encodes the audio that audio_input names (ffmpeg input arguments) into
// `output`; videos get a plain colour picture as stream 0. seconds > 0 cuts
// the output there (needed when the input loops forever).
void encode(const fs::path& output, const std::vector<std::string>& audio_input, MediaFormat format,
            double seconds) {
  std::vector<std::string> arguments;
  if (is_video(format)) {
    arguments = {"-f", "lavfi", "-i", "color=c=navy:s=160x120:r=25"};
    arguments.insert(arguments.end(), audio_input.begin(), audio_input.end());
    arguments.insert(arguments.end(), {"-map", "0:v", "-map", "1:a"});
    auto video = video_codec_arguments(format);
    arguments.insert(arguments.end(), video.begin(), video.end());
    if (seconds <= 0) arguments.push_back("-shortest");
  } else {
    arguments = audio_input;
  }
  auto audio = audio_codec_arguments(format);
  arguments.insert(arguments.end(), audio.begin(), audio.end());
  if (seconds > 0) arguments.insert(arguments.end(), {"-t", std::to_string(seconds)});
  arguments.push_back(output.string());
  run_ffmpeg(arguments);
}

std::vector<char> read_bytes(const fs::path& path) {
  std::ifstream file(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>()};
}

void write_bytes(const fs::path& path, const char* data, std::size_t size) {
  std::ofstream file(path, std::ios::binary);
  file.write(data, static_cast<std::streamsize>(size));
  if (!file) throw std::runtime_error("cannot write " + path.string());
}

// Where the "data" chunk's 8-byte header starts in a WAV file.
std::size_t data_chunk_offset(const std::vector<char>& wav) {
  static const std::string tag = "data";
  auto found = std::search(wav.begin() + 12, wav.end(), tag.begin(), tag.end());
  if (found == wav.end()) throw std::runtime_error("no data chunk in the WAV file");
  return static_cast<std::size_t>(found - wav.begin());
}

void put_little_endian_32(std::vector<char>& bytes, std::size_t offset, std::uint32_t value) {
  for (int i = 0; i < 4; ++i) bytes[offset + i] = static_cast<char>((value >> (8 * i)) & 0xFF);
}

void overwrite_with_noise(std::vector<char>& bytes, std::size_t begin, std::size_t end) {
  std::mt19937 generator(7);
  for (std::size_t i = begin; i < end && i < bytes.size(); ++i) {
    bytes[i] = static_cast<char>(generator() & 0xFF);
  }
}

std::size_t offset_of(const std::vector<char>& bytes, const std::string& tag) {
  auto found = std::search(bytes.begin(), bytes.end(), tag.begin(), tag.end());
  if (found == bytes.end()) throw std::runtime_error("no '" + tag + "' in the file");
  return static_cast<std::size_t>(found - bytes.begin());
}

// Copies an MP4 made by ffmpeg with its audio bytes turned to noise.
void copy_with_noise_for_audio(const fs::path& source, const fs::path& output) {
  auto bytes = read_bytes(source);
  // ffmpeg writes the index (moov) after the audio (mdat), so everything
  // between the two box names is audio.
  std::size_t audio_begin = offset_of(bytes, "mdat") + 4;
  std::size_t index_begin = offset_of(bytes, "moov") - 4;
  if (index_begin <= audio_begin) {
    throw std::runtime_error("moov before mdat in " + source.string());
  }
  overwrite_with_noise(bytes, audio_begin, index_begin);
  write_bytes(output, bytes.data(), bytes.size());
}

fs::path jfk_with_pause() {
  return cached("jfk_with_pause.wav", [](const fs::path& output) {
    run_ffmpeg(
        {"-i", jfk_wav().string(), "-af", "apad=pad_dur=2", "-c:a", "pcm_s16le", output.string()});
  });
}

}  // namespace

std::string format_name(MediaFormat format) {
  switch (format) {
    case MediaFormat::wav:
      return "wav";
    case MediaFormat::wav_44k_stereo:
      return "wav_44k_stereo";
    case MediaFormat::mp3:
      return "mp3";
    case MediaFormat::opus:
      return "opus";
    case MediaFormat::flac:
      return "flac";
    case MediaFormat::m4a:
      return "m4a";
    case MediaFormat::mp4_video:
      return "mp4_video";
    case MediaFormat::webm_video:
      return "webm_video";
  }
  return "unknown";
}

void PrintTo(MediaFormat format, std::ostream* out) { *out << format_name(format); }

fs::path jfk_as(MediaFormat format) {
  return cached("jfk_" + format_name(format) + extension_of(format),
                [format](const fs::path& output) {
                  encode(output, {"-i", jfk_wav().string()}, format, 0);
                });
}

fs::path long_speech_file(int minutes, MediaFormat format) {
  std::string name =
      "speech_" + std::to_string(minutes) + "min_" + format_name(format) + extension_of(format);
  return cached(name, [minutes, format](const fs::path& output) {
    encode(output, {"-stream_loop", "-1", "-i", jfk_with_pause().string()}, format, minutes * 60.0);
  });
}

fs::path empty_file() {
  return cached("empty.wav", [](const fs::path& output) { write_bytes(output, "", 0); });
}

fs::path text_file() {
  return cached("notes.txt", [](const fs::path& output) {
    std::string text = "Meeting notes\n\n- transcribe the interview\n- send the summary\n";
    write_bytes(output, text.data(), text.size());
  });
}

fs::path random_bytes_file() {
  return cached("noise.mp3", [](const fs::path& output) {
    std::mt19937 generator(42);
    std::vector<char> bytes(64 * 1024);
    for (auto& byte : bytes) byte = static_cast<char>(generator() & 0xFF);
    // An MPEG sync word at the very start would make it a (damaged) MP3.
    bytes[0] = 0x17;
    write_bytes(output, bytes.data(), bytes.size());
  });
}

fs::path png_named_mp3() {
  return cached(
      "picture.mp3",
      [](const fs::path& output) {
        run_ffmpeg({"-f", "lavfi", "-i", "color=c=red:s=64x64", "-frames:v", "1", output.string()});
      },
      ".png");
}

fs::path video_without_audio() {
  return cached("silent_video.mp4", [](const fs::path& output) {
    std::vector<std::string> arguments = {"-f", "lavfi", "-i", "color=c=green:s=160x120:r=25:d=2"};
    auto video = video_codec_arguments(MediaFormat::mp4_video);
    arguments.insert(arguments.end(), video.begin(), video.end());
    arguments.push_back(output.string());
    run_ffmpeg(arguments);
  });
}

fs::path truncated_mp3() {
  return cached("jfk_truncated.mp3", [](const fs::path& output) {
    auto bytes = read_bytes(jfk_as(MediaFormat::mp3));
    write_bytes(output, bytes.data(), bytes.size() * 3 / 10);
  });
}

fs::path wav_with_lying_header() {
  return cached("lying_header.wav", [](const fs::path& output) {
    fs::path two_seconds = temporary_name_for(output, ".wav");
    run_ffmpeg({"-i", jfk_wav().string(), "-t", "2", "-c:a", "pcm_s16le", two_seconds.string()});
    auto bytes = read_bytes(two_seconds);
    fs::remove(two_seconds);
    std::size_t data = data_chunk_offset(bytes);
    constexpr std::uint32_t kTenMinutesOfBytes = 10 * 60 * 16000 * 2;
    put_little_endian_32(bytes, data + 4, kTenMinutesOfBytes);
    put_little_endian_32(bytes, 4, static_cast<std::uint32_t>(data) + kTenMinutesOfBytes);
    write_bytes(output, bytes.data(), bytes.size());
  });
}

fs::path wav_cut_in_header() {
  return cached("jfk_cut_in_header.wav", [](const fs::path& output) {
    auto bytes = read_bytes(jfk_wav());
    write_bytes(output, bytes.data(), 20);
  });
}

fs::path wav_cut_after_header() {
  return cached("jfk_cut_after_header.wav", [](const fs::path& output) {
    auto bytes = read_bytes(jfk_wav());
    write_bytes(output, bytes.data(), data_chunk_offset(bytes) + 8);
  });
}

fs::path playlist_naming_another_file() {
  return cached("playlist.m3u8", [](const fs::path& output) {
    std::string playlist = "#EXTM3U\n#EXT-X-TARGETDURATION:11\n#EXTINF:11.0,\n" +
                           jfk_as(MediaFormat::mp3).string() + "\n#EXT-X-ENDLIST\n";
    write_bytes(output, playlist.data(), playlist.size());
  });
}

fs::path with_noise_in_the_middle(MediaFormat format) {
  std::string name = "jfk_" + format_name(format) + "_noisy_middle" + extension_of(format);
  return cached(name, [format](const fs::path& output) {
    auto bytes = read_bytes(jfk_as(format));
    overwrite_with_noise(bytes, bytes.size() * 4 / 10, bytes.size() * 6 / 10);
    write_bytes(output, bytes.data(), bytes.size());
  });
}

fs::path jfk_m4a_with_only_noise_for_audio() {
  return cached("jfk_m4a_all_noise.m4a", [](const fs::path& output) {
    copy_with_noise_for_audio(jfk_as(MediaFormat::m4a), output);
  });
}

fs::path two_minute_m4a_with_only_noise_for_audio() {
  return cached("speech_2min_m4a_all_noise.m4a", [](const fs::path& output) {
    copy_with_noise_for_audio(long_speech_file(2, MediaFormat::m4a), output);
  });
}

}  // namespace soundscripter::test
