// The English names of Whisper's languages ("en" -> "english"), because
// OpenAI's verbose_json names the language in words where the rest of the
// API uses ISO 639-1 codes.
#pragma once

#include <string>
#include <string_view>

namespace soundscripter {

// The lower-case English name, as OpenAI and Whisper spell it; the code
// itself when it is not one of Whisper's languages (e.g. "" or "auto").
std::string language_name(std::string_view code);

}  // namespace soundscripter
