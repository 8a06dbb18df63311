// Opening a file and choosing its audio stream; see media_open.hpp.
//
// The order of the checks is the order a person would ask in: does the file
// exist, has it any bytes, is it media at all (and not a list of other
// files), is it a picture or text that FFmpeg happens to open, has it audio,
// can that audio be decoded.
#include "media/media_open.hpp"

#include <array>
#include <fstream>
#include <string_view>
#include <system_error>

#include "media/container_sniff.hpp"
#include "media/wav_header.hpp"
#include "util/error.hpp"

namespace soundscripter {
namespace {

namespace fs = std::filesystem;

[[noreturn]] void fail(ErrorCode code, const fs::path& path, const std::string& cause) {
  throw Error(code, path.string() + ": " + cause);
}

void require_nonempty_file(const fs::path& path) {
  std::error_code error;
  auto status = fs::status(path, error);
  if (!fs::exists(status)) fail(ErrorCode::not_found, path, "no such file");
  if (fs::is_directory(status)) {
    fail(ErrorCode::unsupported_media, path, "a directory, not a media file");
  }
  // Pipes and devices have no size; let FFmpeg read them.
  if (fs::is_regular_file(status) && fs::file_size(path, error) == 0 && !error) {
    fail(ErrorCode::empty_input, path, "the file is empty (0 bytes)");
  }
}

std::vector<std::byte> read_head(const fs::path& path, std::size_t max_bytes) {
  std::vector<std::byte> head(max_bytes);
  std::ifstream file(path, std::ios::binary);
  file.read(reinterpret_cast<char*>(head.data()), static_cast<std::streamsize>(head.size()));
  head.resize(static_cast<std::size_t>(std::max<std::streamsize>(file.gcount(), 0)));
  return head;
}

// Opens the file through FFmpeg's "file" protocol alone: the "file:" prefix
// keeps a name such as "concat:a.mp3" or "http:x" from being read as a URL.
av::IoContextPtr open_file_only(const fs::path& path) {
  AVIOContext* raw = nullptr;
  int result =
      avio_open2(&raw, ("file:" + path.string()).c_str(), AVIO_FLAG_READ, nullptr, nullptr);
  if (result == AVERROR(ENOENT)) fail(ErrorCode::not_found, path, "no such file");
  if (result < 0) fail(ErrorCode::not_found, path, "cannot be read: " + av::error_text(result));
  return av::IoContextPtr(raw);
}

// Set by refuse_other_files on the thread that opens a file; demuxers call
// io_open from inside avformat_open_input, on that same thread.
thread_local bool refused_another_file = false;

// Installed as the format context's io_open, which demuxers call to open
// any file besides the one we handed them (playlist entries, segments, data
// references): all are refused.
int refuse_other_files(AVFormatContext*, AVIOContext**, const char*, int, AVDictionary**) {
  refused_another_file = true;
  return AVERROR(EPERM);
}

[[noreturn]] void fail_to_open(const fs::path& path, int averror, const FfmpegLog& log) {
  // The names it lists stay out of the message: resolved by FFmpeg they are
  // paths on the server, not what the uploader wrote.
  if (refused_another_file) {
    fail(ErrorCode::unsupported_media, path,
         "a playlist or list of other files, not media itself (only the file itself is read)");
  }
  auto head = read_head(path, 512);
  if (auto container = sniff_container(head); !container.empty()) {
    fail(ErrorCode::corrupt_media, path,
         "starts like a " + std::string(container) +
             " file, but its header is cut short or damaged (" + av::error_text(averror) + ")" +
             log.detail());
  }
  if (looks_like_text(head)) {
    fail(ErrorCode::unsupported_media, path, "a text file, not audio or video");
  }
  fail(ErrorCode::unsupported_media, path,
       "not an audio or video file FFmpeg can read (" + av::error_text(averror) + ")" +
           log.detail());
}

// Demuxers that FFmpeg picks for still pictures ("png_pipe", "image2"):
// their video stream is one picture, not a recording.
bool is_picture_container(std::string_view name) {
  return name == "image2" || name.ends_with("_pipe") || name == "webp";
}

const AVStream* first_real_video_stream(const AVFormatContext& format) {
  for (unsigned i = 0; i < format.nb_streams; ++i) {
    const AVStream* stream = format.streams[i];
    if (stream->codecpar->codec_type == AVMEDIA_TYPE_VIDEO &&
        !(stream->disposition & AV_DISPOSITION_ATTACHED_PIC)) {
      return stream;
    }
  }
  return nullptr;
}

bool has_stream_of_type(const AVFormatContext& format, AVMediaType type) {
  for (unsigned i = 0; i < format.nb_streams; ++i) {
    if (format.streams[i]->codecpar->codec_type == type) return true;
  }
  return false;
}

// Why a file with no audio stream has none, in the words a person expects.
[[noreturn]] void fail_without_audio(const fs::path& path, const AVFormatContext& format) {
  std::string container = format.iformat->name;
  const AVStream* video = first_real_video_stream(format);
  if (container == "tty") {
    fail(ErrorCode::unsupported_media, path, "a text file, not audio or video");
  }
  if (is_picture_container(container) ||
      (video == nullptr && has_stream_of_type(format, AVMEDIA_TYPE_VIDEO))) {
    const AVStream* picture = video ? video : format.nb_streams > 0 ? format.streams[0] : nullptr;
    std::string codec = picture ? avcodec_get_name(picture->codecpar->codec_id) : container;
    fail(ErrorCode::unsupported_media, path, "an image (" + codec + "), not audio or video");
  }
  if (video != nullptr) {
    fail(ErrorCode::no_audio_stream, path,
         std::string("a video (") + avcodec_get_name(video->codecpar->codec_id) +
             ") with no audio stream");
  }
  fail(ErrorCode::no_audio_stream, path,
       "a " + container + " file with no audio stream (" + std::to_string(format.nb_streams) +
           " other streams)");
}

double stated_duration(const AVFormatContext& format, const AVStream& stream) {
  if (stream.duration != AV_NOPTS_VALUE && stream.duration > 0) {
    return static_cast<double>(stream.duration) * av_q2d(stream.time_base);
  }
  if (format.duration != AV_NOPTS_VALUE && format.duration > 0) {
    return static_cast<double>(format.duration) / AV_TIME_BASE;
  }
  return 0;
}

}  // namespace

OpenedMedia open_media(const fs::path& path, FfmpegLog& log) {
  FfmpegLogScope log_scope(log);
  require_nonempty_file(path);

  OpenedMedia media;
  media.file = open_file_only(path);
  AVFormatContext* raw_format = avformat_alloc_context();
  if (raw_format == nullptr) fail(ErrorCode::internal, path, "out of memory opening the file");
  raw_format->pb = media.file.get();
  raw_format->flags |= AVFMT_FLAG_CUSTOM_IO;
  raw_format->io_open = refuse_other_files;
  refused_another_file = false;
  // On failure FFmpeg frees the context itself and nulls the pointer; the
  // name is still passed because probing looks at its extension.
  if (int result = avformat_open_input(&raw_format, path.c_str(), nullptr, nullptr); result < 0) {
    fail_to_open(path, result, log);
  }
  media.format.reset(raw_format);
  AVFormatContext& format = *media.format;
  const std::string container = format.iformat->name;

  if (int result = avformat_find_stream_info(&format, nullptr); result < 0) {
    fail(ErrorCode::corrupt_media, path,
         "a " + container + " file whose streams cannot be read (" + av::error_text(result) + ")" +
             log.detail());
  }

  const AVCodec* decoder = nullptr;
  int index = av_find_best_stream(&format, AVMEDIA_TYPE_AUDIO, -1, -1, &decoder, 0);
  if (index == AVERROR_STREAM_NOT_FOUND) fail_without_audio(path, format);
  if (index == AVERROR_DECODER_NOT_FOUND || (index >= 0 && decoder == nullptr)) {
    // av_find_best_stream reports only that no audio stream has a decoder.
    for (unsigned i = 0; i < format.nb_streams; ++i) {
      const AVCodecParameters* parameters = format.streams[i]->codecpar;
      if (parameters->codec_type != AVMEDIA_TYPE_AUDIO) continue;
      fail(ErrorCode::unsupported_media, path,
           std::string("audio in ") + avcodec_get_name(parameters->codec_id) +
               ", which this FFmpeg cannot decode");
    }
  }
  if (index < 0) {
    fail(ErrorCode::corrupt_media, path,
         "a " + container + " file whose audio stream cannot be chosen (" + av::error_text(index) +
             ")" + log.detail());
  }

  const AVStream& stream = *format.streams[index];
  const AVCodecParameters& parameters = *stream.codecpar;
  if (parameters.sample_rate <= 0 || parameters.ch_layout.nb_channels <= 0) {
    // The format was only guessed from the file name, and the content did
    // not bear it out: random bytes called .mp3 are not a damaged MP3.
    if (format.probe_score <= AVPROBE_SCORE_EXTENSION) {
      if (looks_like_text(read_head(path, 512))) {
        fail(ErrorCode::unsupported_media, path, "a text file, not audio or video");
      }
      fail(ErrorCode::unsupported_media, path,
           "not an audio or video file FFmpeg can read (nothing in it is " + container + " audio)");
    }
    fail(ErrorCode::corrupt_media, path,
         "a " + container + " file whose " + avcodec_get_name(parameters.codec_id) +
             " audio cannot be read (no sample rate or channel count found)" + log.detail());
  }

  if (parameters.sample_rate > kMaxSourceSampleRate) {
    fail(ErrorCode::unsupported_media, path,
         "audio at " + std::to_string(parameters.sample_rate) + " Hz, above the " +
             std::to_string(kMaxSourceSampleRate) + " Hz this service converts");
  }

  // The demuxer then skips the video and subtitle packets instead of handing
  // us megabytes we would throw away.
  for (unsigned i = 0; i < format.nb_streams; ++i) {
    if (static_cast<int>(i) != index) format.streams[i]->discard = AVDISCARD_ALL;
  }

  media.decoder = decoder;
  media.info.path = path;
  media.info.container = container;
  media.info.codec = avcodec_get_name(parameters.codec_id);
  media.info.stream_index = index;
  media.info.sample_rate = parameters.sample_rate;
  media.info.channels = parameters.ch_layout.nb_channels;
  media.info.duration = stated_duration(format, stream);
  media.info.has_video = first_real_video_stream(format) != nullptr;
  media.duration_is_estimate = format.duration_estimation_method == AVFMT_DURATION_FROM_BITRATE;
  if (container == "wav") {
    auto claimed = wav_header_seconds(read_head(path, 64 * 1024));
    if (claimed && *claimed > media.info.duration) media.duration_claimed_by_header = *claimed;
  }
  return media;
}

}  // namespace soundscripter
