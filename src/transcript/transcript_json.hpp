// Transcript <-> JSON without loss, for storing results and sending segments
// in events.
//
// Unlike json_writer.cpp (the .json output format, which rounds times to the
// millisecond and adds derived fields for readers), these functions keep
// every value as it was, so transcript_from_json(transcript_to_json(t))
// equals t. Field names follow OpenAI's verbose_json ("word", "start",
// "end", "probability") so an event's segment reads like the output file's.
#pragma once

#include <nlohmann/json.hpp>

#include "transcript/transcript.hpp"

namespace soundscripter {

// {"start", "end", "text", "words"?}; "words" only when there are some.
nlohmann::json segment_to_json(const Segment& segment);
// {"language", "duration", "segments", "warnings"}
nlohmann::json transcript_to_json(const Transcript& transcript);

// Missing optional fields take their defaults; a value of the wrong type
// throws Error(invalid_argument) naming the field.
Segment segment_from_json(const nlohmann::json& json);
Transcript transcript_from_json(const nlohmann::json& json);

// A float as the double with its shortest decimal form (0.9f -> 0.9 rather
// than 0.8999999761581421); converting back to float gives the same float.
double float_as_json_number(float value);

}  // namespace soundscripter
