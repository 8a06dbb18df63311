// Each output format against a golden string from one small hand-built
// transcript, plus wrapping, escaping and the format-name parsing.
#include <gtest/gtest.h>

#include "transcript/formats.hpp"
#include "transcript/text_layout.hpp"
#include "util/error.hpp"

namespace soundscripter {
namespace {

// Two spoken segments (one with words, one in UTF-8 beyond Latin-1) and an
// empty one, which only json keeps.
Transcript sample_transcript() {
  Transcript transcript;
  transcript.language = "en";
  transcript.duration = 5.5;
  Segment hello{0.0, 1.9996, "Hello world.", {}};
  hello.words = {{0.0, 0.5, " Hello", 0.9f}, {0.5, 1.9996, " world.", std::nullopt}};
  transcript.segments = {hello, {2.0, 4.25, "Grüße 日本語", {}}, {4.25, 5.5, "", {}}};
  transcript.warnings = {"file is truncated after 5.5 s"};
  return transcript;
}

std::string render(TranscriptFormat format, int max_line_width = 0) {
  return render_transcript(sample_transcript(), format, FormatOptions{max_line_width});
}

TEST(formats, TxtHasOneLinePerSegmentWithText) {
  EXPECT_EQ(render(TranscriptFormat::txt), "Hello world.\nGrüße 日本語\n");
}

TEST(formats, TsvHasAHeaderAndIntegerMilliseconds) {
  EXPECT_EQ(render(TranscriptFormat::tsv),
            "start\tend\ttext\n"
            "0\t2000\tHello world.\n"
            "2000\t4250\tGrüße 日本語\n");
}

TEST(formats, SrtNumbersCuesFromOne) {
  EXPECT_EQ(render(TranscriptFormat::srt),
            "1\n"
            "00:00:00,000 --> 00:00:02,000\n"
            "Hello world.\n"
            "\n"
            "2\n"
            "00:00:02,000 --> 00:00:04,250\n"
            "Grüße 日本語\n"
            "\n");
}

TEST(formats, VttStartsWithItsHeaderAndUsesDots) {
  EXPECT_EQ(render(TranscriptFormat::vtt),
            "WEBVTT\n"
            "\n"
            "00:00:00.000 --> 00:00:02.000\n"
            "Hello world.\n"
            "\n"
            "00:00:02.000 --> 00:00:04.250\n"
            "Grüße 日本語\n"
            "\n");
}

TEST(formats, JsonGivesSecondsAsNumbersAndWordsOnlyWherePresent) {
  EXPECT_EQ(render(TranscriptFormat::json), R"({
  "language": "en",
  "duration": 5.5,
  "text": "Hello world. Grüße 日本語",
  "segments": [
    {
      "id": 0,
      "start": 0.0,
      "end": 2.0,
      "text": "Hello world.",
      "words": [
        {
          "word": " Hello",
          "start": 0.0,
          "end": 0.5,
          "probability": 0.9
        },
        {
          "word": " world.",
          "start": 0.5,
          "end": 2.0
        }
      ]
    },
    {
      "id": 1,
      "start": 2.0,
      "end": 4.25,
      "text": "Grüße 日本語"
    },
    {
      "id": 2,
      "start": 4.25,
      "end": 5.5,
      "text": ""
    }
  ],
  "warnings": [
    "file is truncated after 5.5 s"
  ]
}
)");
}

TEST(formats, JsonReplacesInvalidUtf8InsteadOfThrowing) {
  Transcript transcript;
  transcript.segments = {{0, 1, "caf\xC3", {}}};  // a multibyte character cut in half
  std::string json;
  ASSERT_NO_THROW(json = render_transcript(transcript, TranscriptFormat::json));
  EXPECT_NE(json.find("\"caf\xEF\xBF\xBD\""), std::string::npos) << json;  // U+FFFD
}

TEST(formats, SubtitlesPastNinetyNineHours) {
  Transcript transcript;
  transcript.segments = {{100 * 3600.0, 100 * 3600.0 + 1.25, "late", {}}};
  EXPECT_EQ(render_transcript(transcript, TranscriptFormat::srt),
            "1\n100:00:00,000 --> 100:00:01,250\nlate\n\n");
  EXPECT_EQ(render_transcript(transcript, TranscriptFormat::tsv),
            "start\tend\ttext\n360000000\t360001250\tlate\n");
}

TEST(formats, WrapsCuesAtWordBoundariesCountingCodePoints) {
  // "Grüße" is 5 code points but 7 bytes: counting bytes would push it alone onto a line.
  Transcript transcript;
  transcript.segments = {{0, 2, "Grüße aus 日本語 und mehr", {}}};
  EXPECT_EQ(render_transcript(transcript, TranscriptFormat::srt, FormatOptions{9}),
            "1\n00:00:00,000 --> 00:00:02,000\nGrüße aus\n日本語 und\nmehr\n\n");
  EXPECT_EQ(render_transcript(transcript, TranscriptFormat::vtt, FormatOptions{9}),
            "WEBVTT\n\n00:00:00.000 --> 00:00:02.000\nGrüße aus\n日本語 und\nmehr\n\n");
}

TEST(formats, LineFormatsFoldTabsAndNewlinesIntoSpaces) {
  Transcript transcript;
  transcript.segments = {{0, 1, "one\ttwo\nthree\r\n\nfour", {}}};
  EXPECT_EQ(render_transcript(transcript, TranscriptFormat::tsv),
            "start\tend\ttext\n0\t1000\tone two three four\n");
  EXPECT_EQ(render_transcript(transcript, TranscriptFormat::txt), "one two three four\n");
  // A blank line inside a cue would end it early.
  EXPECT_EQ(render_transcript(transcript, TranscriptFormat::srt),
            "1\n00:00:00,000 --> 00:00:01,000\none two three four\n\n");
}

TEST(formats, VttEscapesMarkupCharacters) {
  Transcript transcript;
  transcript.segments = {{0, 1, "a <b> & c --> d", {}}};
  EXPECT_EQ(render_transcript(transcript, TranscriptFormat::vtt),
            "WEBVTT\n\n00:00:00.000 --> 00:00:01.000\na &lt;b&gt; &amp; c --&gt; d\n\n");
}

TEST(formats, EmptyTranscriptGivesOnlyTheFrame) {
  Transcript transcript;
  EXPECT_EQ(render_transcript(transcript, TranscriptFormat::txt), "");
  EXPECT_EQ(render_transcript(transcript, TranscriptFormat::srt), "");
  EXPECT_EQ(render_transcript(transcript, TranscriptFormat::vtt), "WEBVTT\n\n");
  EXPECT_EQ(render_transcript(transcript, TranscriptFormat::tsv), "start\tend\ttext\n");
}

TEST(formats, ParsesNamesAndListsKeepingOrderWithoutDuplicates) {
  EXPECT_EQ(parse_format("srt"), TranscriptFormat::srt);
  EXPECT_EQ(parse_format("JSON"), TranscriptFormat::json);
  EXPECT_EQ(parse_format_list("vtt, txt,vtt,tsv,"),
            (std::vector{TranscriptFormat::vtt, TranscriptFormat::txt, TranscriptFormat::tsv}));
  for (auto format : {TranscriptFormat::txt, TranscriptFormat::srt, TranscriptFormat::vtt,
                      TranscriptFormat::json, TranscriptFormat::tsv}) {
    EXPECT_EQ(parse_format(format_name(format)), format);
  }
}

TEST(formats, ParseErrorsNameTheValueAndTheValidFormats) {
  try {
    parse_format_list("txt,docx");
    FAIL() << "docx was accepted";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::invalid_argument);
    EXPECT_STREQ(error.what(), "unknown format \"docx\" (expected one of: txt, srt, vtt, json, tsv)");
  }
  try {
    parse_format_list(" , ");
    FAIL() << "an empty list was accepted";
  } catch (const Error& error) {
    EXPECT_STREQ(error.what(), "no format given (expected one or more of: txt, srt, vtt, json, tsv)");
  }
}

TEST(formats_text_layout, WrapNeverSplitsAWordOrACharacter) {
  EXPECT_EQ(wrap_words("日本語日本語 ab", 3), (std::vector<std::string>{"日本語日本語", "ab"}));
  EXPECT_EQ(wrap_words("  a  b  ", 0), (std::vector<std::string>{"a b"}));
  EXPECT_EQ(wrap_words("", 10), (std::vector<std::string>{""}));
  EXPECT_EQ(count_code_points("Grüße 日本語"), 9u);
}

}  // namespace
}  // namespace soundscripter
