// Reads how much audio a WAV file's own header says it holds.
//
// FFmpeg's WAV demuxer ignores a data size larger than the file and states
// the length of what is there instead, which hides exactly the damage a
// person should hear about: a recording cut off while it was copied, whose
// header still claims the full hour. We read the claim ourselves and compare.
#pragma once

#include <cstddef>
#include <optional>
#include <span>

namespace soundscripter {

// Seconds of audio the RIFF/WAVE header's "data" chunk claims (its size over
// the "fmt " chunk's byte rate). nullopt when `head` is not a RIFF WAVE
// header, the chunks lie beyond `head`, or the size is the "unknown length"
// marker (0 or 0xFFFFFFFF) that streaming writers leave.
std::optional<double> wav_header_seconds(std::span<const std::byte> head);

}  // namespace soundscripter
