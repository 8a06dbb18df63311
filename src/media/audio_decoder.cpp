// AudioDecoder: pulls packets from libavformat, decodes them with libavcodec
// and resamples them, only as far as the caller's read() needs.
//
// The loop is FFmpeg's send/receive model: ask the decoder for a frame; when
// it wants input, read one packet of our stream and send it; at the end of
// the file send the flush packet and take what the decoder still holds.
// Damaged input must never turn this into an endless loop, so every path
// that makes no progress is counted and capped: damaged packets in a row, and
// decoder errors that consume no input.
#include "media/audio_decoder.hpp"

#include <algorithm>
#include <optional>

#include "media/av_handles.hpp"
#include "media/decode_warnings.hpp"
#include "media/ffmpeg_log.hpp"
#include "media/media_open.hpp"
#include "media/resampler.hpp"
#include "media/sample_fifo.hpp"
#include "util/error.hpp"

namespace soundscripter {
namespace {

// A run this long of packets the decoder rejects (about 13 s of MP3 frames)
// means the rest of the file is not audio we can recover: stop rather than
// chew through it.
constexpr int kMaxDamagedPacketsInARow = 500;
// Errors that consume no input can repeat forever; this many in a row
// means the decoder or demuxer is stuck.
constexpr int kMaxStallsInARow = 16;
// decode_whole_file reserves memory for the stated length up to this; a
// lying header must not make it reserve gigabytes.
constexpr double kMaxSecondsToReserve = 3600;

}  // namespace

struct AudioDecoder::Impl {
  explicit Impl(const std::filesystem::path& path);

  std::size_t read(std::vector<float>& out, std::size_t max_samples);
  void decode_until_samples_or_end();
  void feed_one_packet();
  void count_damaged_packet(int averror);
  void start_draining(std::string stopped_because);
  void finish();
  [[noreturn]] void fail(ErrorCode code, const std::string& cause) const;

  FfmpegLog log;
  OpenedMedia media;
  av::CodecContextPtr codec;
  av::PacketPtr packet;
  av::FramePtr frame;
  Resampler resampler;
  SampleFifo fifo;

  std::int64_t samples_read = 0;
  std::vector<std::string> warnings;
  std::optional<Error> no_audio_error;  // thrown by every read() once known

  bool draining = false;  // the demuxer is done; the decoder hands out what it holds
  bool finished = false;
  std::string stopped_because;     // why decoding ended before the end of the file
  std::string conversion_problem;  // the last frame the resampler refused
  int damaged_packets = 0;
  int damaged_in_a_row = 0;
  int stalls_in_a_row = 0;
};

AudioDecoder::Impl::Impl(const std::filesystem::path& path) : media(open_media(path, log)) {
  FfmpegLogScope log_scope(log);
  packet.reset(av_packet_alloc());
  frame.reset(av_frame_alloc());
  codec.reset(avcodec_alloc_context3(media.decoder));
  if (!packet || !frame || !codec) fail(ErrorCode::internal, "out of memory opening the decoder");

  const AVStream& stream = *media.format->streams[media.info.stream_index];
  if (int result = avcodec_parameters_to_context(codec.get(), stream.codecpar); result < 0) {
    fail(ErrorCode::corrupt_media, "the " + media.info.codec +
                                       " stream's parameters are unusable (" +
                                       av::error_text(result) + ")");
  }
  // The decoder needs the stream's time base to honour the encoder delay
  // and padding that MP3, AAC and Opus files record.
  codec->pkt_timebase = stream.time_base;
  // Audio decoders gain little from threads, and one thread keeps their log
  // messages on ours, where FfmpegLogScope collects them.
  codec->thread_count = 1;
  if (int result = avcodec_open2(codec.get(), media.decoder, nullptr); result < 0) {
    fail(ErrorCode::unsupported_media, "cannot start the " + media.info.codec + " decoder (" +
                                           av::error_text(result) + ")" + log.detail());
  }
}

void AudioDecoder::Impl::fail(ErrorCode code, const std::string& cause) const {
  throw Error(code, media.info.path.string() + ": " + cause);
}

std::size_t AudioDecoder::Impl::read(std::vector<float>& out, std::size_t max_samples) {
  FfmpegLogScope log_scope(log);
  std::size_t appended = 0;
  while (appended < max_samples) {
    if (fifo.empty()) decode_until_samples_or_end();
    if (no_audio_error) throw *no_audio_error;
    if (fifo.empty()) break;
    appended += fifo.pop_into(out, max_samples - appended);
  }
  samples_read += static_cast<std::int64_t>(appended);
  return appended;
}

void AudioDecoder::Impl::decode_until_samples_or_end() {
  while (fifo.empty() && !finished) {
    int result = avcodec_receive_frame(codec.get(), frame.get());
    if (result == 0) {
      stalls_in_a_row = 0;
      try {
        resampler.convert(*frame, fifo);
        damaged_in_a_row = 0;
      } catch (const Error& error) {
        // Damage can decode into a frame no converter takes (AAC noise
        // declaring 23 channels); skip it like a damaged packet rather than
        // lose the whole file to one frame.
        conversion_problem = error.what();
        count_damaged_packet(AVERROR_INVALIDDATA);
      }
      av_frame_unref(frame.get());
    } else if (result == AVERROR_EOF) {
      finish();
    } else if (result != AVERROR(EAGAIN)) {
      count_damaged_packet(result);
      if (++stalls_in_a_row < kMaxStallsInARow) continue;
      if (draining) {
        finish();
      } else {
        start_draining("the decoder keeps failing: " + av::error_text(result) + log.detail());
      }
    } else if (draining) {
      finish();  // a drained decoder should say EOF, but never wait on one
    } else {
      feed_one_packet();
    }
  }
}

void AudioDecoder::Impl::feed_one_packet() {
  int result = av_read_frame(media.format.get(), packet.get());
  if (result == AVERROR(EAGAIN)) {
    if (++stalls_in_a_row >= kMaxStallsInARow) start_draining("the file cannot be read further");
    return;
  }
  if (result < 0) {
    start_draining(result == AVERROR_EOF
                       ? std::string()
                       : "cannot read further: " + av::error_text(result) + log.detail());
    return;
  }
  stalls_in_a_row = 0;
  if (packet->stream_index == media.info.stream_index) {
    result = avcodec_send_packet(codec.get(), packet.get());
    if (result < 0 && result != AVERROR(EAGAIN)) count_damaged_packet(result);
  }
  av_packet_unref(packet.get());
}

void AudioDecoder::Impl::count_damaged_packet(int averror) {
  ++damaged_packets;
  if (++damaged_in_a_row >= kMaxDamagedPacketsInARow && !draining) {
    start_draining(std::to_string(damaged_in_a_row) +
                   " damaged packets in a row: " + av::error_text(averror) + log.detail());
  }
}

void AudioDecoder::Impl::start_draining(std::string why) {
  stopped_because = std::move(why);
  draining = true;
  // The flush packet makes the decoder hand out the frames it still holds.
  avcodec_send_packet(codec.get(), nullptr);
}

void AudioDecoder::Impl::finish() {
  finished = true;
  resampler.flush(fifo);
  DecodeOutcome outcome;
  outcome.decoded_seconds = static_cast<double>(resampler.samples_out()) / kSampleRate;
  outcome.stated_seconds = media.info.duration;
  outcome.stated_is_estimate = media.duration_is_estimate;
  if (media.duration_claimed_by_header > outcome.stated_seconds) {
    outcome.stated_seconds = media.duration_claimed_by_header;
    outcome.stated_is_estimate = false;
  }
  outcome.stopped_because = stopped_because;
  outcome.damaged_packets_skipped = damaged_packets;
  const std::string file = media.info.path.string();
  // An empty recording (a WAV with no data, stating 0 s) is not damage: it
  // decodes to no samples and no transcript.
  bool expected_audio =
      outcome.stated_seconds > 0 || !stopped_because.empty() || damaged_packets > 0;
  if (resampler.samples_out() == 0 && expected_audio) {
    std::string message = no_audio_decoded_message(file, media.info.codec, outcome);
    // A stop reason already carries FFmpeg's words; a file that merely ends
    // early has nothing FFmpeg said worth adding.
    if (stopped_because.empty() && damaged_packets > 0) {
      message += conversion_problem.empty() ? log.detail() : " (" + conversion_problem + ")";
    }
    no_audio_error = Error(ErrorCode::corrupt_media, message);
    return;
  }
  warnings = decode_warnings(file, outcome);
}

AudioDecoder::AudioDecoder(const std::filesystem::path& path)
    : impl_(std::make_unique<Impl>(path)) {}

AudioDecoder::~AudioDecoder() = default;

const MediaInfo& AudioDecoder::info() const { return impl_->media.info; }

std::size_t AudioDecoder::read(std::vector<float>& out, std::size_t max_samples) {
  return impl_->read(out, max_samples);
}

std::int64_t AudioDecoder::samples_read() const { return impl_->samples_read; }

const std::vector<std::string>& AudioDecoder::warnings() const { return impl_->warnings; }

std::vector<float> decode_whole_file(const std::filesystem::path& path,
                                     std::vector<std::string>* warnings) {
  AudioDecoder decoder(path);
  std::vector<float> samples;
  // Reserving the stated length avoids the vector's doubling, which would
  // briefly hold one and a half copies of a long file.
  double seconds = std::min(decoder.info().duration, kMaxSecondsToReserve);
  samples.reserve(static_cast<std::size_t>(seconds * kSampleRate * 1.01) + kSampleRate);
  constexpr std::size_t kChunk = 1 << 16;
  while (decoder.read(samples, kChunk) > 0) {
  }
  if (warnings != nullptr) *warnings = decoder.warnings();
  return samples;
}

}  // namespace soundscripter
