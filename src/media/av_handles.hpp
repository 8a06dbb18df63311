// RAII owners for the FFmpeg objects SoundScripter uses, and FFmpeg's error
// codes as text.
//
// FFmpeg's free functions take a T** so they can null the caller's pointer;
// each deleter below adapts one of them to std::unique_ptr, so every exit
// path (including an Error thrown halfway through opening a file) releases
// what was allocated. This is the only header that knows how each object is
// freed (STYLE.md point 6).
#pragma once

#include <memory>
#include <string>

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavformat/avio.h>
#include <libavutil/error.h>
#include <libavutil/frame.h>
#include <libswresample/swresample.h>
}

namespace soundscripter::av {

struct FormatContextCloser {
  void operator()(AVFormatContext* context) const { avformat_close_input(&context); }
};
struct CodecContextFreer {
  void operator()(AVCodecContext* context) const { avcodec_free_context(&context); }
};
struct FrameFreer {
  void operator()(AVFrame* frame) const { av_frame_free(&frame); }
};
struct PacketFreer {
  void operator()(AVPacket* packet) const { av_packet_free(&packet); }
};
struct IoContextCloser {
  void operator()(AVIOContext* io) const { avio_closep(&io); }
};
struct ResamplerFreer {
  void operator()(SwrContext* context) const { swr_free(&context); }
};

using FormatContextPtr = std::unique_ptr<AVFormatContext, FormatContextCloser>;
using CodecContextPtr = std::unique_ptr<AVCodecContext, CodecContextFreer>;
using FramePtr = std::unique_ptr<AVFrame, FrameFreer>;
using PacketPtr = std::unique_ptr<AVPacket, PacketFreer>;
using ResamplerPtr = std::unique_ptr<SwrContext, ResamplerFreer>;
// Owned by us, not by the format context, when we open the file ourselves
// (AVFMT_FLAG_CUSTOM_IO): avformat_close_input leaves it open.
using IoContextPtr = std::unique_ptr<AVIOContext, IoContextCloser>;

// FFmpeg's own description of an AVERROR code ("Invalid data found when
// processing input"), so messages use the library's words.
inline std::string error_text(int averror) {
  char buffer[AV_ERROR_MAX_STRING_SIZE] = {};
  if (av_strerror(averror, buffer, sizeof buffer) < 0) {
    return "FFmpeg error " + std::to_string(averror);
  }
  return buffer;
}

}  // namespace soundscripter::av
