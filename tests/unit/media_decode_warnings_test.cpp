// decode_warnings: which shortfalls are worth telling a person about, and
// the words used.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "media/decode_warnings.hpp"

namespace soundscripter {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

DecodeOutcome outcome(double decoded, double stated) {
  DecodeOutcome result;
  result.decoded_seconds = decoded;
  result.stated_seconds = stated;
  return result;
}

TEST(media_decode_warnings, EncoderPaddingIsNotTruncation) {
  EXPECT_THAT(decode_warnings("a.mp3", outcome(10.95, 11.07)), IsEmpty());
  EXPECT_THAT(decode_warnings("a.mp3", outcome(3590, 3600)), IsEmpty());  // 2% of an hour
  EXPECT_THAT(decode_warnings("a.mp3", outcome(11, 0)), IsEmpty());       // length unknown
}

TEST(media_decode_warnings, AShortfallSaysDecodedAgainstStated) {
  EXPECT_THAT(decode_warnings("a.mp3", outcome(3.24, 11.07)),
              ElementsAre("a.mp3: truncated: decoded 3.2 s of the 11.1 s the file states"));
}

TEST(media_decode_warnings, EstimatedLengthsGetMoreSlack) {
  DecodeOutcome estimated = outcome(100, 109);
  estimated.stated_is_estimate = true;
  EXPECT_THAT(decode_warnings("a.mp3", estimated), IsEmpty());
  estimated.decoded_seconds = 50;
  EXPECT_THAT(decode_warnings("a.mp3", estimated),
              ElementsAre(HasSubstr("of the about 109.0 s estimated from its size")));
}

TEST(media_decode_warnings, AStopAtDamagedDataGivesTheCause) {
  DecodeOutcome stopped = outcome(40, 60);
  stopped.stopped_because = "500 damaged packets in a row";
  EXPECT_THAT(decode_warnings("b.m4a", stopped),
              ElementsAre("b.m4a: truncated or damaged: decoding stopped at 40.0 s of the 60.0 s "
                          "the file states (500 damaged packets in a row)"));
  stopped.stated_seconds = 0;
  EXPECT_THAT(
      decode_warnings("b.m4a", stopped),
      ElementsAre("b.m4a: damaged: decoding stopped at 40.0 s (500 damaged packets in a row)"));
}

TEST(media_decode_warnings, AShortfallWithSkippedPacketsMayBeDamageInTheMiddle) {
  DecodeOutcome damaged = outcome(8.7, 11);
  damaged.damaged_packets_skipped = 37;
  EXPECT_THAT(
      decode_warnings("e.m4a", damaged),
      ElementsAre("e.m4a: truncated or damaged: decoded 8.7 s of the 11.0 s the file states",
                  "e.m4a: skipped 37 damaged audio packets, so the audio has gaps"));
}

TEST(media_decode_warnings, SkippedPacketsAreCounted) {
  DecodeOutcome skipped = outcome(11, 11);
  skipped.damaged_packets_skipped = 3;
  EXPECT_THAT(decode_warnings("c.mp3", skipped),
              ElementsAre("c.mp3: skipped 3 damaged audio packets, so the audio has gaps"));
}

TEST(media_decode_warnings, NoAudioMessageSaysWhatWasPromised) {
  EXPECT_EQ(no_audio_decoded_message("d.wav", "pcm_s16le", outcome(0, 11)),
            "d.wav: no decodable audio in its pcm_s16le stream (the file states 11.0 s but ends "
            "before any of it)");
  DecodeOutcome all_damaged = outcome(0, 11);
  all_damaged.damaged_packets_skipped = 172;
  EXPECT_EQ(
      no_audio_decoded_message("e.m4a", "aac", all_damaged),
      "e.m4a: no decodable audio in its aac stream (all 172 of its audio packets are damaged)");
}

}  // namespace
}  // namespace soundscripter
