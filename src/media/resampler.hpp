// Turns decoded frames of any sample format, rate and channel layout into
// 16 kHz mono float, the one format every engine reads.
//
// A stream may change its rate or layout midway (a broadcast recording that
// switches from stereo to 5.1, an MP3 joined from two sources), so the
// converter is rebuilt whenever a frame differs from the last one, after the
// samples still held in the old one's filter have been flushed out.
#pragma once

#include <cstdint>

#include "media/av_handles.hpp"
#include "media/sample_fifo.hpp"

namespace soundscripter {

class Resampler {
 public:
  Resampler();
  ~Resampler();
  Resampler(const Resampler&) = delete;
  Resampler& operator=(const Resampler&) = delete;

  // Converts the frame and appends the result to out. Throws
  // Error(unsupported_media) when libswresample cannot convert this input
  // (more than 64 channels, an unknown sample format, a rate of 0 or above
  // kMaxSourceSampleRate); the converter is then unset and the next frame
  // configures it afresh.
  void convert(const AVFrame& frame, SampleFifo& out);

  // Appends the samples the filter still holds back; call once at the end.
  void flush(SampleFifo& out);

  // Samples appended to out so far.
  std::int64_t samples_out() const { return samples_out_; }

 private:
  bool matches(const AVFrame& frame) const;
  void configure_for(const AVFrame& frame);
  // Makes context_ for the frame's input, returning an AVERROR on failure.
  int build_context(const AVFrame& frame, bool average_all_channels);
  void run(const std::uint8_t* const* input, int input_samples, SampleFifo& out);

  av::ResamplerPtr context_;
  int input_rate_ = 0;
  int input_format_ = -1;
  AVChannelLayout input_layout_{};
  std::int64_t samples_out_ = 0;
};

}  // namespace soundscripter
