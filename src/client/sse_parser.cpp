#include "client/sse_parser.hpp"

namespace soundscripter {

void SseParser::feed(std::string_view bytes) {
  pending_.append(bytes);
  std::size_t start = 0;
  for (std::size_t at; (at = pending_.find('\n', start)) != std::string::npos; start = at + 1) {
    std::string_view text(pending_.data() + start, at - start);
    if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
    line(text);
  }
  pending_.erase(0, start);
}

void SseParser::line(std::string_view text) {
  if (text.empty()) {
    if (frame_has_field_) {
      SseEvent done = std::move(frame_);
      frame_ = {};
      frame_has_data_ = frame_has_field_ = false;
      on_event_(done);
    }
    return;
  }
  if (text.front() == ':') {
    ++comments_;
    return;
  }
  const auto colon = text.find(':');
  const std::string_view name = text.substr(0, colon);
  std::string_view value = colon == std::string_view::npos ? "" : text.substr(colon + 1);
  if (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  frame_has_field_ = true;
  if (name == "id") {
    frame_.id = value;
  } else if (name == "event") {
    frame_.event = value;
  } else if (name == "data") {
    if (frame_has_data_) frame_.data += '\n';
    frame_.data += value;
    frame_has_data_ = true;
  }
}

}  // namespace soundscripter
