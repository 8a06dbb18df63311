// Probing and decoding real media made with the ffmpeg CLI: every container
// a user is likely to upload decodes to the same 11 s of speech, and every
// kind of bad file is refused with its own ErrorCode and a message naming it.
//
// Suite names start with "media_" so that `ctest -R media` runs them all.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <fstream>
#include <iterator>
#include <numeric>
#include <set>
#include <thread>

#include "media/audio_decoder.hpp"
#include "support/test_media.hpp"
#include "support/test_paths.hpp"
#include "util/error.hpp"

namespace soundscripter::test {
namespace {

namespace fs = std::filesystem;
using ::testing::AllOf;
using ::testing::HasSubstr;

constexpr double kToleranceSeconds = 0.050;

double seconds_of(const std::vector<float>& samples) {
  return static_cast<double>(samples.size()) / kSampleRate;
}

double rms(const std::vector<float>& samples) {
  double sum = 0;
  for (float sample : samples) sum += static_cast<double>(sample) * sample;
  return samples.empty() ? 0 : std::sqrt(sum / static_cast<double>(samples.size()));
}

// jfk.wav's own samples, read without FFmpeg: the reference every decode is
// compared with.
std::vector<float> jfk_reference_samples() {
  std::ifstream file(jfk_wav(), std::ios::binary);
  std::vector<char> bytes{std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>()};
  static const std::string tag = "data";
  auto data = std::search(bytes.begin(), bytes.end(), tag.begin(), tag.end()) + 8;
  std::vector<float> samples;
  for (auto byte = data; byte + 1 < bytes.end(); byte += 2) {
    auto value = static_cast<std::int16_t>(static_cast<std::uint8_t>(byte[0]) |
                                           (static_cast<std::uint8_t>(byte[1]) << 8));
    samples.push_back(static_cast<float>(value) / 32768.0f);
  }
  return samples;
}

// Pearson correlation over the first n samples of both: near 1 when the
// decoded audio is the same speech at the same time.
double correlation(const std::vector<float>& a, const std::vector<float>& b) {
  std::size_t n = std::min(a.size(), b.size());
  double mean_a = std::accumulate(a.begin(), a.begin() + static_cast<std::ptrdiff_t>(n), 0.0) /
                  static_cast<double>(n);
  double mean_b = std::accumulate(b.begin(), b.begin() + static_cast<std::ptrdiff_t>(n), 0.0) /
                  static_cast<double>(n);
  double ab = 0, aa = 0, bb = 0;
  for (std::size_t i = 0; i < n; ++i) {
    ab += (a[i] - mean_a) * (b[i] - mean_b);
    aa += (a[i] - mean_a) * (a[i] - mean_a);
    bb += (b[i] - mean_b) * (b[i] - mean_b);
  }
  return ab / std::sqrt(aa * bb);
}

// The Error that decoding `path` throws; fails the test when none is thrown.
Error decode_error(const fs::path& path) {
  try {
    decode_whole_file(path);
  } catch (const Error& error) {
    return error;
  }
  ADD_FAILURE() << "decoding " << path << " threw nothing";
  return Error(ErrorCode::internal, "nothing thrown");
}

Error probe_error(const fs::path& path) {
  try {
    probe_media(path);
  } catch (const Error& error) {
    return error;
  }
  ADD_FAILURE() << "probing " << path << " threw nothing";
  return Error(ErrorCode::internal, "nothing thrown");
}

// ---------------------------------------------------------------- formats

struct FormatCase {
  MediaFormat format;
  std::string codec;
  int sample_rate;
  int channels;
  bool video;
};

// Keeps the struct's bytes (pointers included) out of test names and logs.
void PrintTo(const FormatCase& format_case, std::ostream* out) {
  *out << format_name(format_case.format);
}

std::string case_name(const ::testing::TestParamInfo<FormatCase>& info) {
  return format_name(info.param.format);
}

class media_decode_format : public ::testing::TestWithParam<FormatCase> {};

TEST_P(media_decode_format, ProbeReportsTheAudioStream) {
  const FormatCase& expected = GetParam();
  MediaInfo info = probe_media(jfk_as(expected.format));
  EXPECT_EQ(info.codec, expected.codec);
  EXPECT_EQ(info.sample_rate, expected.sample_rate);
  EXPECT_EQ(info.channels, expected.channels);
  EXPECT_EQ(info.has_video, expected.video);
  // The fixtures put the video first, so picking stream 1 proves the
  // decoder chose the audio rather than the first stream.
  EXPECT_EQ(info.stream_index, expected.video ? 1 : 0);
  EXPECT_NEAR(info.duration, kJfkSeconds, 0.1);
}

TEST_P(media_decode_format, DecodesToJfksLengthWithoutWarnings) {
  std::vector<std::string> warnings;
  std::vector<float> samples = decode_whole_file(jfk_as(GetParam().format), &warnings);
  EXPECT_NEAR(seconds_of(samples), kJfkSeconds, kToleranceSeconds);
  EXPECT_THAT(warnings, ::testing::IsEmpty());
  EXPECT_GT(rms(samples), 0.01) << "decoded to silence";
  auto [low, high] = std::minmax_element(samples.begin(), samples.end());
  EXPECT_GE(*low, -1.0f);
  EXPECT_LE(*high, 1.0f);
}

TEST_P(media_decode_format, DecodesTheSameSpeechAsTheOriginal) {
  std::vector<float> samples = decode_whole_file(jfk_as(GetParam().format));
  // Lossy codecs change the waveform a little and may shift it by a few
  // samples of filter delay; the speech still lines up.
  EXPECT_GT(correlation(samples, jfk_reference_samples()), 0.9);
}

INSTANTIATE_TEST_SUITE_P(
    every_container, media_decode_format,
    ::testing::Values(FormatCase{MediaFormat::wav, "pcm_s16le", 16000, 1, false},
                      FormatCase{MediaFormat::wav_44k_stereo, "pcm_s16le", 44100, 2, false},
                      FormatCase{MediaFormat::mp3, "mp3", 16000, 1, false},
                      FormatCase{MediaFormat::opus, "opus", 48000, 1, false},
                      FormatCase{MediaFormat::flac, "flac", 16000, 1, false},
                      FormatCase{MediaFormat::m4a, "aac", 16000, 1, false},
                      FormatCase{MediaFormat::mp4_video, "aac", 16000, 1, true},
                      FormatCase{MediaFormat::webm_video, "opus", 48000, 1, true}),
    case_name);

TEST(media_decode, LosslessFilesDecodeToTheOriginalSamples) {
  std::vector<float> reference = jfk_reference_samples();
  for (MediaFormat format : {MediaFormat::wav, MediaFormat::flac}) {
    SCOPED_TRACE(format_name(format));
    EXPECT_EQ(decode_whole_file(jfk_as(format)), reference);
  }
}

TEST(media_decode, Stereo44kResamplesToTheRightLengthAndSpeech) {
  std::vector<float> samples = decode_whole_file(jfk_as(MediaFormat::wav_44k_stereo));
  EXPECT_NEAR(seconds_of(samples), kJfkSeconds, kToleranceSeconds);
  // ffmpeg made the stereo fixture by copying jfk into both channels at
  // -3 dB (x0.707). Averaging the two keeps that level; summing them at
  // swresample's default gain would bring it back to x1.0 and clip loud
  // passages of real stereo recordings.
  double reference = rms(jfk_reference_samples());
  EXPECT_NEAR(rms(samples), M_SQRT1_2 * reference, 0.05 * reference);
  EXPECT_GT(correlation(samples, jfk_reference_samples()), 0.99);
}

TEST(media_decode, SmallReadsGiveTheSameSamplesAsTheWholeFile) {
  for (MediaFormat format :
       {MediaFormat::mp3, MediaFormat::webm_video, MediaFormat::wav_44k_stereo}) {
    SCOPED_TRACE(format_name(format));
    fs::path path = jfk_as(format);
    std::vector<float> whole = decode_whole_file(path);

    AudioDecoder decoder(path);
    std::vector<float> pieces;
    // Sizes that straddle frame boundaries differently on every read.
    const std::size_t sizes[] = {1, 7, 160, 999, 4096, 3};
    for (std::size_t round = 0;; ++round) {
      std::size_t asked = sizes[round % std::size(sizes)];
      std::size_t before = pieces.size();
      std::size_t got = decoder.read(pieces, asked);
      ASSERT_EQ(pieces.size() - before, got);
      ASSERT_LE(got, asked);
      if (got == 0) break;
      // Only the last read may come up short.
      if (got < asked) {
        EXPECT_EQ(decoder.read(pieces, 1), 0u);
        break;
      }
    }
    EXPECT_EQ(pieces, whole);
    EXPECT_EQ(decoder.samples_read(), static_cast<std::int64_t>(whole.size()));
    EXPECT_EQ(decoder.read(pieces, 100), 0u) << "reads after the end return nothing";
  }
}

TEST(media_decode, TwoDecodersOnTwoThreadsGiveTheSameSamples) {
  fs::path path = jfk_as(MediaFormat::opus);
  std::vector<float> first;
  std::vector<float> second;
  std::thread other([&] { first = decode_whole_file(path); });
  second = decode_whole_file(path);
  other.join();
  EXPECT_EQ(first, second);
  EXPECT_NEAR(seconds_of(first), kJfkSeconds, kToleranceSeconds);
}

TEST(media_decode, TenMinuteFileDecodesToItsFullLength) {
  AudioDecoder decoder(long_speech_file(10, MediaFormat::mp3));
  std::vector<float> chunk;
  while (true) {
    chunk.clear();
    if (decoder.read(chunk, 30 * kSampleRate) == 0) break;
  }
  EXPECT_NEAR(static_cast<double>(decoder.samples_read()) / kSampleRate, 600.0, kToleranceSeconds);
  EXPECT_THAT(decoder.warnings(), ::testing::IsEmpty());
}

// ---------------------------------------------------------------- bad inputs

TEST(media_errors, MissingFileIsNotFound) {
  fs::path missing = test_data_dir() / "media" / "no_such_recording.mp3";
  Error error = decode_error(missing);
  EXPECT_EQ(error.code(), ErrorCode::not_found);
  EXPECT_THAT(error.what(), AllOf(HasSubstr("no_such_recording.mp3"), HasSubstr("no such file")));
  EXPECT_EQ(probe_error(missing).code(), ErrorCode::not_found);
}

TEST(media_errors, EmptyFileIsEmptyInput) {
  Error error = decode_error(empty_file());
  EXPECT_EQ(error.code(), ErrorCode::empty_input);
  EXPECT_THAT(error.what(), AllOf(HasSubstr("empty.wav"), HasSubstr("empty (0 bytes)")));
}

TEST(media_errors, TextFileIsUnsupportedMedia) {
  Error error = decode_error(text_file());
  EXPECT_EQ(error.code(), ErrorCode::unsupported_media);
  EXPECT_THAT(error.what(), AllOf(HasSubstr("notes.txt"), HasSubstr("a text file")));
}

TEST(media_errors, RandomBytesAreUnsupportedMedia) {
  Error error = decode_error(random_bytes_file());
  EXPECT_EQ(error.code(), ErrorCode::unsupported_media);
  EXPECT_THAT(error.what(), AllOf(HasSubstr("noise.mp3"), HasSubstr("not an audio or video file")));
}

TEST(media_errors, PngRenamedMp3IsUnsupportedImage) {
  Error error = decode_error(png_named_mp3());
  EXPECT_EQ(error.code(), ErrorCode::unsupported_media);
  EXPECT_THAT(error.what(), AllOf(HasSubstr("picture.mp3"), HasSubstr("an image (png)")));
}

TEST(media_errors, VideoWithoutAudioIsNoAudioStream) {
  Error error = decode_error(video_without_audio());
  EXPECT_EQ(error.code(), ErrorCode::no_audio_stream);
  EXPECT_THAT(error.what(), AllOf(HasSubstr("silent_video.mp4"), HasSubstr("no audio stream")));
  EXPECT_EQ(probe_error(video_without_audio()).code(), ErrorCode::no_audio_stream);
}

TEST(media_errors, WavCutInsideItsHeaderIsCorruptMedia) {
  Error error = decode_error(wav_cut_in_header());
  EXPECT_EQ(error.code(), ErrorCode::corrupt_media);
  EXPECT_THAT(error.what(),
              AllOf(HasSubstr("jfk_cut_in_header.wav"), HasSubstr("starts like a wav file"),
                    HasSubstr("header is cut short")));
}

TEST(media_errors, WavWithNoSampleAfterItsHeaderIsCorruptMedia) {
  // The header is whole, so probing succeeds; decoding finds nothing.
  EXPECT_NO_THROW(probe_media(wav_cut_after_header()));
  Error error = decode_error(wav_cut_after_header());
  EXPECT_EQ(error.code(), ErrorCode::corrupt_media);
  EXPECT_THAT(error.what(), AllOf(HasSubstr("jfk_cut_after_header.wav"),
                                  HasSubstr("no decodable audio"), HasSubstr("11.0 s")));
}

TEST(media_errors, PlaylistNamingAnotherFileIsRefusedWithoutReadingIt) {
  // Read, the playlist would decode to jfk's 11 s; refused, it is not media.
  Error error = decode_error(playlist_naming_another_file());
  EXPECT_EQ(error.code(), ErrorCode::unsupported_media);
  EXPECT_THAT(error.what(), AllOf(HasSubstr("playlist.m3u8"), HasSubstr("a playlist")));
}

TEST(media_errors, ADirectoryIsNotMedia) {
  Error error = decode_error(test_data_dir());
  EXPECT_EQ(error.code(), ErrorCode::unsupported_media);
  EXPECT_THAT(error.what(), HasSubstr("a directory"));
}

TEST(media_errors, EachBadInputGetsItsOwnMessage) {
  std::set<std::string> causes;
  std::vector<fs::path> bad = {test_data_dir() / "media" / "missing.wav",
                               empty_file(),
                               text_file(),
                               random_bytes_file(),
                               png_named_mp3(),
                               video_without_audio(),
                               wav_cut_in_header(),
                               wav_cut_after_header(),
                               playlist_naming_another_file()};
  for (const fs::path& path : bad) {
    std::string message = decode_error(path).what();
    // What follows the path is the cause.
    ASSERT_EQ(message.rfind(path.string() + ": ", 0), 0u) << message;
    causes.insert(message.substr(path.string().size()));
  }
  EXPECT_EQ(causes.size(), bad.size());
}

// ---------------------------------------------------------------- damage

TEST(media_truncation, TruncatedMp3DecodesWhatIsThereAndWarns) {
  AudioDecoder decoder(truncated_mp3());
  std::vector<float> samples;
  while (decoder.read(samples, 8192) > 0) {
  }
  // 30% of the bytes of an 11 s constant-bitrate file.
  EXPECT_GT(seconds_of(samples), 2.5);
  EXPECT_LT(seconds_of(samples), 4.0);
  ASSERT_FALSE(decoder.warnings().empty());
  EXPECT_THAT(decoder.warnings().front(), AllOf(HasSubstr("jfk_truncated.mp3"),
                                                HasSubstr("truncated"), HasSubstr("of the 11.")));
}

TEST(media_truncation, WavWhoseHeaderClaimsTenMinutesWarnsAndStops) {
  std::vector<std::string> warnings;
  std::vector<float> samples = decode_whole_file(wav_with_lying_header(), &warnings);
  EXPECT_NEAR(seconds_of(samples), 2.0, kToleranceSeconds);
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_THAT(warnings.front(), AllOf(HasSubstr("lying_header.wav"), HasSubstr("truncated"),
                                      HasSubstr("decoded 2.0 s"), HasSubstr("600.0 s")));
}

class media_damage_in_the_middle : public ::testing::TestWithParam<MediaFormat> {};

TEST_P(media_damage_in_the_middle, DecodesAroundItAndWarns) {
  fs::path path = with_noise_in_the_middle(GetParam());
  std::vector<std::string> warnings;
  std::vector<float> samples = decode_whole_file(path, &warnings);
  // The noise covers a fifth of the bytes; what lies before it decodes.
  EXPECT_GT(seconds_of(samples), 4.0);
  EXPECT_LT(seconds_of(samples), kJfkSeconds + 0.2);
  ASSERT_FALSE(warnings.empty());
  EXPECT_THAT(warnings.front(), HasSubstr(path.filename().string()));
}

INSTANTIATE_TEST_SUITE_P(lossy_and_lossless, media_damage_in_the_middle,
                         ::testing::Values(MediaFormat::mp3, MediaFormat::m4a, MediaFormat::opus,
                                           MediaFormat::flac, MediaFormat::webm_video),
                         [](const auto& param_info) { return format_name(param_info.param); });

TEST(media_truncation, EveryPacketDamagedIsCorruptMedia) {
  Error error = decode_error(jfk_m4a_with_only_noise_for_audio());
  EXPECT_EQ(error.code(), ErrorCode::corrupt_media);
  EXPECT_THAT(error.what(),
              AllOf(HasSubstr("jfk_m4a_all_noise.m4a"), HasSubstr("no decodable audio"),
                    HasSubstr("audio packets are damaged")));
}

TEST(media_truncation, DecodingGivesUpAfterTooManyDamagedPacketsInARow) {
  // About 1900 packets the decoder rejects. It stops after 500 in a row
  // instead of chewing through the file. Whether that ends as corrupt_media
  // or as a warning depends on whether some noise happened to decode as a
  // frame first, which is up to FFmpeg's AAC decoder.
  fs::path path = two_minute_m4a_with_only_noise_for_audio();
  std::string report;
  double decoded_seconds = 0;
  try {
    AudioDecoder decoder(path);
    std::vector<float> samples;
    while (decoder.read(samples, 16000) > 0) {
    }
    decoded_seconds = seconds_of(samples);
    ASSERT_FALSE(decoder.warnings().empty());
    report = decoder.warnings().front();
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::corrupt_media);
    report = error.what();
  }
  EXPECT_THAT(report, AllOf(HasSubstr("speech_2min_m4a_all_noise.m4a"),
                            HasSubstr("500 damaged packets in a row")));
  EXPECT_LT(decoded_seconds, 1.0);
}

}  // namespace
}  // namespace soundscripter::test
