// Media files for tests and benchmarks, made at test time from jfk.wav with
// the ffmpeg CLI instead of being committed.
//
// Each file is made once and cached under test_data_dir()/media/. Two test
// processes may ask for the same file at once (ctest -j), so each makes it
// under a name of its own and renames it into place: a reader sees either
// no file or a whole one, never half of one.
#pragma once

#include <filesystem>
#include <ostream>
#include <string>

namespace soundscripter::test {

// jfk.wav is 11 s of 16 kHz mono speech.
inline constexpr double kJfkSeconds = 11.0;

// The encodings jfk_as() and long_speech_file() make.
enum class MediaFormat {
  wav,             // 16 kHz mono pcm_s16le
  wav_44k_stereo,  // 44.1 kHz stereo pcm_s16le: exercises resampling and downmixing
  mp3,             // libmp3lame
  opus,            // libopus in Ogg
  flac,
  m4a,         // AAC in MP4
  mp4_video,   // H.264 (mpeg4 where libx264 is missing) colour video + AAC
  webm_video,  // VP8 colour video + Opus
};

// "mp3", "mp4_video", ...: for test names and messages.
std::string format_name(MediaFormat format);
// So GoogleTest prints the name, not the number.
void PrintTo(MediaFormat format, std::ostream* out);

// jfk.wav encoded in `format`. In the videos the video stream comes first,
// so the audio is stream 1.
std::filesystem::path jfk_as(MediaFormat format);

// `minutes` of speech: jfk.wav followed by 2 s of silence, over and over, for
// benchmarks and memory tests.
std::filesystem::path long_speech_file(int minutes, MediaFormat format = MediaFormat::flac);

// Inputs that must be refused or decoded with a warning.
std::filesystem::path empty_file();             // 0 bytes, named .wav
std::filesystem::path text_file();              // a few lines of text, named .txt
std::filesystem::path random_bytes_file();      // 64 KiB of noise, named .mp3
std::filesystem::path png_named_mp3();          // a PNG picture renamed .mp3
std::filesystem::path video_without_audio();    // a 2 s H.264 mp4 with no audio stream
std::filesystem::path truncated_mp3();          // the first 30% of jfk.mp3
std::filesystem::path wav_with_lying_header();  // 2 s of audio; the header says 10 minutes
std::filesystem::path wav_cut_in_header();      // the first 20 bytes of jfk.wav
std::filesystem::path wav_cut_after_header();   // jfk.wav's header and not one sample
// An HLS playlist naming jfk_as(mp3) by its full path: the way an upload
// would try to make the service read another file.
std::filesystem::path playlist_naming_another_file();
// jfk_as(format) with the middle fifth of its bytes overwritten by noise.
std::filesystem::path with_noise_in_the_middle(MediaFormat format);
// jfk as m4a whose every audio byte is noise (the header and index are
// intact): 173 packets, every one damaged.
std::filesystem::path jfk_m4a_with_only_noise_for_audio();
// The same for two minutes of speech: about 1900 damaged packets, more than
// the decoder accepts in a row before it gives up.
std::filesystem::path two_minute_m4a_with_only_noise_for_audio();

}  // namespace soundscripter::test
