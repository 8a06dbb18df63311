// Sizes and durations as people write them in flags and config files
// ("500M", "7d"), parsed to numbers and printed back the same way.
//
// Sizes use binary multiples (K = 1024), as disk and upload limits usually
// do; a value printed by format_* parses back to the same number.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

namespace soundscripter {

// "1048576", "500M", "1.5G", "64KiB", "2 GB" (case-insensitive K, M, G, T,
// optionally followed by B or iB) -> bytes. Throws Error(invalid_argument)
// "'12Q' is not a size (...)" for anything else, negative values included.
std::uint64_t parse_byte_size(std::string_view text);

// "30", "30s", "90m", "12h", "7d", "1.5h" -> whole seconds (rounded down).
// A plain number is seconds. Throws Error(invalid_argument) like parse_byte_size.
std::chrono::seconds parse_duration(std::string_view text);

// The shortest exact spelling: 1073741824 -> "1G", 1000 -> "1000".
std::string format_byte_size(std::uint64_t bytes);

// The shortest exact spelling: 604800 s -> "7d", 300 s -> "5m", 0 -> "0".
std::string format_duration(std::chrono::seconds duration);

}  // namespace soundscripter
