// libswresample behind Resampler; see resampler.hpp.
#include "media/resampler.hpp"

#include <algorithm>
#include <string>
#include <vector>

extern "C" {
#include <libavutil/channel_layout.h>
#include <libavutil/opt.h>
}

#include "media/audio_decoder.hpp"
#include "util/error.hpp"

namespace soundscripter {
namespace {

// Decoders leave the order unspecified when the file names no layout (a WAV
// without a channel mask); swresample needs to know which channel is which
// to mix down, so assume FFmpeg's usual layout for that many channels.
AVChannelLayout usable_layout(const AVChannelLayout& layout) {
  AVChannelLayout copy{};
  if (layout.order == AV_CHANNEL_ORDER_UNSPEC || av_channel_layout_check(&layout) == 0) {
    av_channel_layout_default(&copy, layout.nb_channels);
  } else {
    av_channel_layout_copy(&copy, &layout);
  }
  return copy;
}

}  // namespace

Resampler::Resampler() = default;

Resampler::~Resampler() { av_channel_layout_uninit(&input_layout_); }

bool Resampler::matches(const AVFrame& frame) const {
  return context_ && frame.sample_rate == input_rate_ && frame.format == input_format_ &&
         av_channel_layout_compare(&frame.ch_layout, &input_layout_) == 0;
}

int Resampler::build_context(const AVFrame& frame, bool average_all_channels) {
  AVChannelLayout mono = AV_CHANNEL_LAYOUT_MONO;
  AVChannelLayout input{};
  if (average_all_channels) {
    input.order = AV_CHANNEL_ORDER_UNSPEC;
    input.nb_channels = frame.ch_layout.nb_channels;
  } else {
    input = usable_layout(frame.ch_layout);
  }
  SwrContext* raw = nullptr;
  int result =
      swr_alloc_set_opts2(&raw, &mono, AV_SAMPLE_FMT_FLT, kSampleRate, &input,
                          static_cast<AVSampleFormat>(frame.format), frame.sample_rate, 0, nullptr);
  av_channel_layout_uninit(&input);
  context_.reset(raw);
  if (result < 0) return result;
  if (average_all_channels) {
    std::vector<double> weights(static_cast<std::size_t>(frame.ch_layout.nb_channels),
                                1.0 / frame.ch_layout.nb_channels);
    result = swr_set_matrix(context_.get(), weights.data(), frame.ch_layout.nb_channels);
  } else {
    // With float output swresample would otherwise sum the channels at full
    // gain (stereo to mono at 1.41), pushing loud passages past 1.0.
    result = av_opt_set_double(context_.get(), "rematrix_maxval", 1.0, 0);
  }
  if (result >= 0) result = swr_init(context_.get());
  if (result < 0) context_.reset();
  return result;
}

void Resampler::configure_for(const AVFrame& frame) {
  // open_media refuses such a stream; this catches a rate that changes
  // midway, before libswresample builds a filter of gigabytes for it.
  if (frame.sample_rate > kMaxSourceSampleRate) {
    context_.reset();
    throw Error(ErrorCode::unsupported_media, "cannot convert audio at " + std::to_string(frame.sample_rate) +
                                                  " Hz (above " + std::to_string(kMaxSourceSampleRate) + " Hz)");
  }
  av_channel_layout_uninit(&input_layout_);
  av_channel_layout_copy(&input_layout_, &frame.ch_layout);
  input_rate_ = frame.sample_rate;
  input_format_ = frame.format;

  int result = build_context(frame, false);
  // swresample knows how to mix down only the layouts it can name; for
  // others (23 channels, an ambisonic WAV without a channel mask) an equal
  // average of every channel is the honest mono.
  if (result < 0) result = build_context(frame, true);
  if (result < 0) {
    throw Error(ErrorCode::unsupported_media,
                "cannot convert audio of " + std::to_string(frame.ch_layout.nb_channels) +
                    " channels at " + std::to_string(frame.sample_rate) + " Hz to 16 kHz mono (" +
                    av::error_text(result) + ")");
  }
}

void Resampler::run(const std::uint8_t* const* input, int input_samples, SampleFifo& out) {
  int room = swr_get_out_samples(context_.get(), input_samples);
  if (room <= 0) return;
  float* destination = out.prepare(static_cast<std::size_t>(room));
  auto* destination_bytes = reinterpret_cast<std::uint8_t*>(destination);
  int written = swr_convert(context_.get(), &destination_bytes, room,
                            const_cast<const std::uint8_t**>(input), input_samples);
  written = std::max(written, 0);
  // Decoders such as AAC and MP3 overshoot 1.0 a little on loud passages;
  // engines expect the nominal range.
  std::transform(destination, destination + written, destination,
                 [](float sample) { return std::clamp(sample, -1.0f, 1.0f); });
  out.commit(static_cast<std::size_t>(written));
  samples_out_ += written;
}

void Resampler::convert(const AVFrame& frame, SampleFifo& out) {
  if (frame.nb_samples <= 0) return;
  if (!matches(frame)) {
    flush(out);
    configure_for(frame);
  }
  run(frame.extended_data, frame.nb_samples, out);
}

void Resampler::flush(SampleFifo& out) {
  if (!context_) return;
  run(nullptr, 0, out);
}

}  // namespace soundscripter
