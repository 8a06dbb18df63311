// Recognises the common media containers (and plain text) from a file's first
// bytes.
//
// FFmpeg's own probes need more bytes than a file cut off inside its header
// still has (its WAV probe wants 32, its MP4 probe a whole box), so when
// FFmpeg cannot open a file we ask this table whether the file at least
// starts like media. That is what tells "a WAV cut short in its header"
// (corrupt_media) from "a text file" (unsupported_media).
#pragma once

#include <cstddef>
#include <span>
#include <string_view>

namespace soundscripter {

// The container the bytes start like ("wav", "mp4", "mp3", ...), or an empty
// view when they match none of the signatures known here.
std::string_view sniff_container(std::span<const std::byte> head);

// Whether the bytes read as text (printable ASCII or UTF-8, tabs and line
// breaks) rather than binary data; for telling a person what they uploaded.
bool looks_like_text(std::span<const std::byte> head);

}  // namespace soundscripter
