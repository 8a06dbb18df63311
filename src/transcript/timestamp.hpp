// Clock strings for the subtitle formats, which cannot carry seconds as numbers.
//
// Times are rounded to whole milliseconds once, before they are split into
// hours, minutes and seconds, so 1.9996 s reads 00:00:02,000 and never
// 00:00:01,1000. Hours have no upper bound: 100 h reads 100:00:00,000.
#pragma once

#include <cstdint>
#include <string>

namespace soundscripter {

// Seconds rounded to the nearest millisecond; negative and NaN times become 0.
std::int64_t to_milliseconds(double seconds);

// "HH:MM:SS,mmm", SubRip's clock.
std::string srt_timestamp(double seconds);
// "HH:MM:SS.mmm", WebVTT's clock.
std::string vtt_timestamp(double seconds);

}  // namespace soundscripter
