// The writer behind each format; formats.cpp picks one. Internal to
// transcript/: callers use render_transcript.
//
// The line-based formats (txt, tsv, srt, vtt) leave out segments whose text
// is empty, since an empty cue ends an srt/vtt file early for many players
// and an empty line says nothing; json keeps every segment with its id.
#pragma once

#include <string>

#include "transcript/formats.hpp"
#include "transcript/transcript.hpp"

namespace soundscripter {

std::string write_txt(const Transcript& transcript);
std::string write_tsv(const Transcript& transcript);
std::string write_srt(const Transcript& transcript, const FormatOptions& options);
std::string write_vtt(const Transcript& transcript, const FormatOptions& options);
std::string write_json(const Transcript& transcript);

}  // namespace soundscripter
