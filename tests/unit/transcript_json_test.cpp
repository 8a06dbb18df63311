// The lossless transcript JSON that results are stored in and segment
// events carry.
#include <gtest/gtest.h>

#include "transcript/transcript_json.hpp"
#include "util/error.hpp"

namespace soundscripter {
namespace {

TEST(transcript_json, RoundTripsEveryFieldExactly) {
  Transcript transcript;
  transcript.language = "fr";
  transcript.duration = 3.0000000000000004;
  transcript.warnings = {"a", "b"};
  transcript.segments = {{0.1, 1.2300000000000002, "Ça va ?", {{0.1, 0.5, "Ça", 0.123456789f},
                                                                {0.5, 1.23, "va", std::nullopt}}},
                         {1.5, 2.0, "", {}}};
  const Transcript read = transcript_from_json(nlohmann::json::parse(
      transcript_to_json(transcript).dump()));
  EXPECT_EQ(read.language, transcript.language);
  EXPECT_EQ(read.duration, transcript.duration);
  EXPECT_EQ(read.warnings, transcript.warnings);
  ASSERT_EQ(read.segments.size(), 2u);
  EXPECT_EQ(read.segments[0].end, transcript.segments[0].end);
  EXPECT_EQ(read.segments[0].words[0].probability, 0.123456789f);
  EXPECT_FALSE(read.segments[0].words[1].probability);
  EXPECT_EQ(read.segments[1].text, "");
}

TEST(transcript_json, ASegmentWithoutWordsHasNoWordsKey) {
  EXPECT_EQ(segment_to_json({1, 2, "hi", {}}),
            (nlohmann::json{{"start", 1.0}, {"end", 2.0}, {"text", "hi"}}));
}

TEST(transcript_json, FloatsPrintAsTheirShortestDecimal) {
  EXPECT_EQ(nlohmann::json(float_as_json_number(0.9f)).dump(), "0.9");
}

TEST(transcript_json, AWrongTypeIsAnInvalidArgumentThatSaysWhere) {
  try {
    transcript_from_json({{"segments", {{{"start", "soon"}}}}});
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::invalid_argument);
    EXPECT_EQ(std::string(e.what()).rfind("transcript JSON: ", 0), 0u) << e.what();
  }
}

}  // namespace
}  // namespace soundscripter
