// A one-line progress display on stderr.
//
// On a terminal it redraws one line in place ("\r"); when stderr is a file
// or a pipe it prints a plain line at every 10% step instead, so logs stay
// readable.
#pragma once

#include <cstdint>
#include <string>

namespace soundscripter {

class ProgressBar {
 public:
  explicit ProgressBar(std::string label);

  // fraction is 0..1; detail is shown after the bar ("3.2x real time, ETA 0:12").
  void update(double fraction, const std::string& detail);

  // Ends the line with a final message ("done in 4.1 s").
  void finish(const std::string& message);

  // Prints a line of its own (a segment as it arrives) without breaking the
  // display: on a terminal it takes the bar's place and the bar is drawn
  // again below it.
  void print_line(const std::string& line);

  static bool stderr_is_terminal();

 private:
  std::string label_;
  bool terminal_;
  int last_step_ = -1;        // last 10% step printed when not a terminal
  std::size_t last_width_ = 0;
  std::string last_bar_;      // the bar as last drawn on a terminal
};

// "1:02:03" or "2:03".
std::string format_clock(double seconds);

// "12.3 MB" or "1.25 GB", decimal as transfer sizes are usually given; "?"
// for 0 (a size not known).
std::string human_size(std::uint64_t bytes);

}  // namespace soundscripter
