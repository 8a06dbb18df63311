// The process-wide FFmpeg log callback and the per-thread capture it feeds.
#include "media/ffmpeg_log.hpp"

#include <cstdarg>
#include <mutex>

extern "C" {
#include <libavutil/log.h>
}

namespace soundscripter {
namespace {

thread_local FfmpegLog* active_log = nullptr;

void capture_callback(void* context, int level, const char* format, va_list arguments) {
  // Info and debug chatter ("Estimating duration...") never belongs in an
  // error message, and formatting it would cost time in the decode loop.
  if (level > AV_LOG_WARNING || active_log == nullptr) return;
  char line[1024];
  // FFmpeg's own prefix carries the object's address ("[mp3 @ 0x55d1...]"),
  // which means nothing to a person; name the component alone.
  int print_prefix = 0;
  av_log_format_line2(context, level, format, arguments, line, sizeof line, &print_prefix);
  std::string text;
  if (const AVClass* owner = context ? *static_cast<AVClass**>(context) : nullptr) {
    text = std::string(owner->item_name ? owner->item_name(context) : owner->class_name) + ": ";
  }
  text += line;
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) {
    text.pop_back();
  }
  if (!text.empty()) active_log->record(level, std::move(text));
}

}  // namespace

void silence_ffmpeg_log() {
  static std::once_flag installed;
  std::call_once(installed, [] {
    // Some FFmpeg code checks the level before doing the work to log.
    av_log_set_level(AV_LOG_WARNING);
    av_log_set_callback(capture_callback);
  });
}

std::string FfmpegLog::last_message() const {
  return last_error_.empty() ? last_warning_ : last_error_;
}

std::string FfmpegLog::detail() const {
  std::string message = last_message();
  return message.empty() ? std::string() : " (FFmpeg: " + message + ")";
}

void FfmpegLog::record(int level, std::string line) {
  (level <= AV_LOG_ERROR ? last_error_ : last_warning_) = std::move(line);
}

FfmpegLogScope::FfmpegLogScope(FfmpegLog& log) : outer_(active_log) {
  silence_ffmpeg_log();
  active_log = &log;
}

FfmpegLogScope::~FfmpegLogScope() { active_log = outer_; }

}  // namespace soundscripter
