// The Content-Type for a media file name, so browsers can play uploads.
#pragma once

#include <string>

namespace soundscripter {

// "talk.MP3" -> "audio/mpeg"; application/octet-stream when unknown.
std::string mime_type_for(const std::string& filename);

}  // namespace soundscripter
