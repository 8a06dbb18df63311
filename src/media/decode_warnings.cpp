// Wording and thresholds of the decode warnings; see decode_warnings.hpp.
#include "media/decode_warnings.hpp"

#include <algorithm>
#include <cstdio>

namespace soundscripter {
namespace {

std::string seconds_text(double seconds) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f s", seconds);
  return text;
}

std::string stated_text(const DecodeOutcome& outcome) {
  return outcome.stated_is_estimate
             ? "the about " + seconds_text(outcome.stated_seconds) + " estimated from its size"
             : "the " + seconds_text(outcome.stated_seconds) + " the file states";
}

}  // namespace

bool is_short_of_stated(const DecodeOutcome& outcome) {
  if (outcome.stated_seconds <= 0) return false;
  double shortfall = outcome.stated_seconds - outcome.decoded_seconds;
  double tolerance = outcome.stated_is_estimate ? std::max(2.0, 0.10 * outcome.stated_seconds)
                                                : std::max(0.5, 0.02 * outcome.stated_seconds);
  return shortfall > tolerance;
}

std::vector<std::string> decode_warnings(const std::string& file, const DecodeOutcome& outcome) {
  std::vector<std::string> warnings;
  bool short_of_stated = is_short_of_stated(outcome);
  std::string decoded = seconds_text(outcome.decoded_seconds);
  bool damaged = !outcome.stopped_because.empty() || outcome.damaged_packets_skipped > 0;
  if (short_of_stated && !damaged) {
    warnings.push_back(file + ": truncated: decoded " + decoded + " of " + stated_text(outcome));
  } else if (short_of_stated && outcome.stopped_because.empty()) {
    // Skipped packets alone do not say whether the file also ends early.
    warnings.push_back(file + ": truncated or damaged: decoded " + decoded + " of " +
                       stated_text(outcome));
  } else if (short_of_stated) {
    warnings.push_back(file + ": truncated or damaged: decoding stopped at " + decoded + " of " +
                       stated_text(outcome) + " (" + outcome.stopped_because + ")");
  } else if (!outcome.stopped_because.empty()) {
    warnings.push_back(file + ": damaged: decoding stopped at " + decoded + " (" +
                       outcome.stopped_because + ")");
  }
  if (outcome.damaged_packets_skipped > 0) {
    warnings.push_back(file + ": skipped " + std::to_string(outcome.damaged_packets_skipped) +
                       " damaged audio packet" + (outcome.damaged_packets_skipped == 1 ? "" : "s") +
                       ", so the audio has gaps");
  }
  return warnings;
}

std::string no_audio_decoded_message(const std::string& file, const std::string& codec,
                                     const DecodeOutcome& outcome) {
  std::string message = file + ": no decodable audio in its " + codec + " stream";
  if (!outcome.stopped_because.empty()) {
    message += " (" + outcome.stopped_because + ")";
  } else if (outcome.damaged_packets_skipped > 0) {
    message += " (all " + std::to_string(outcome.damaged_packets_skipped) +
               " of its audio packets are damaged)";
  } else if (outcome.stated_seconds > 0) {
    message +=
        " (the file states " + seconds_text(outcome.stated_seconds) + " but ends before any of it)";
  }
  return message;
}

}  // namespace soundscripter
