// A Server-Sent Events parser: bytes in, whole events out, following the
// WHATWG event-stream rules the server's frames are written to (a field
// name up to the first colon, one optional space after it, `data:` lines
// joined with "\n", a blank line ends an event, lines starting with ':' are
// comments such as the server's keep-alive). Bytes may arrive split
// anywhere, even inside a line or a "\r\n".
#pragma once

#include <functional>
#include <string>
#include <string_view>

namespace soundscripter {

struct SseEvent {
  std::string id;     // `id:`, "" when the event had none
  std::string event;  // `event:`, "" when it had none
  std::string data;   // the `data:` lines joined by "\n"
};

class SseParser {
 public:
  using OnEvent = std::function<void(const SseEvent&)>;
  explicit SseParser(OnEvent on_event) : on_event_(std::move(on_event)) {}

  // Feeds the next bytes of the stream; calls on_event for each event they end.
  void feed(std::string_view bytes);

  // Comment lines seen so far (heartbeats).
  int comments() const { return comments_; }

 private:
  void line(std::string_view text);

  OnEvent on_event_;
  std::string pending_;  // bytes after the last complete line
  SseEvent frame_;
  bool frame_has_data_ = false;
  bool frame_has_field_ = false;
  int comments_ = 0;
};

}  // namespace soundscripter
