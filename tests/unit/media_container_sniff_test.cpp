// sniff_container and looks_like_text: telling a damaged media file from a
// file that never was media.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "media/container_sniff.hpp"

namespace soundscripter {
namespace {

std::vector<std::byte> bytes_of(const std::string& text) {
  std::vector<std::byte> bytes;
  for (char c : text) bytes.push_back(static_cast<std::byte>(c));
  return bytes;
}

TEST(media_container_sniff, RecognisesContainersFromTheirFirstBytes) {
  EXPECT_EQ(sniff_container(bytes_of(std::string("RIFF\x46\x5f\x05\x00WAVEfmt ", 16))), "wav");
  EXPECT_EQ(sniff_container(bytes_of(std::string("RIFF\0\0\0\0AVI ", 12))), "avi");
  EXPECT_EQ(sniff_container(bytes_of("fLaC")), "flac");
  EXPECT_EQ(sniff_container(bytes_of("OggS")), "ogg");
  EXPECT_EQ(sniff_container(bytes_of("ID3\x04")), "mp3");
  EXPECT_EQ(sniff_container(bytes_of(std::string("\0\0\0\x20"
                                                 "ftypisom",
                                                 12))),
            "mp4");
  EXPECT_EQ(sniff_container(bytes_of("\x1a\x45\xdf\xa3")), "matroska");
  EXPECT_EQ(sniff_container(bytes_of("\xff\xfb\x90\x64")), "mp3");  // MPEG-1 layer III frame
  EXPECT_EQ(sniff_container(bytes_of("\xff\xf1\x50\x80")), "aac");  // ADTS
}

TEST(media_container_sniff, PicturesTextAndNoiseAreNotMedia) {
  EXPECT_EQ(sniff_container(bytes_of("\x89PNG\r\n\x1a\n")), "");
  EXPECT_EQ(sniff_container(bytes_of(std::string("RIFF\0\0\0\0WEBP", 12))), "");
  EXPECT_EQ(sniff_container(bytes_of("Meeting notes\n")), "");
  EXPECT_EQ(sniff_container(bytes_of("\xff\xfb\xf0\x64")), "");  // reserved bitrate index
  EXPECT_EQ(sniff_container({}), "");
}

TEST(media_container_sniff, TextIsPrintableCharactersAndLineBreaks) {
  EXPECT_TRUE(looks_like_text(bytes_of("Meeting notes\n\t- one\r\n")));
  EXPECT_TRUE(looks_like_text(bytes_of("caf\xc3\xa9 na\xc3\xafve")));  // UTF-8
  EXPECT_FALSE(looks_like_text(bytes_of(std::string("RIFF\0\0", 6))));
  EXPECT_FALSE(looks_like_text({}));
}

}  // namespace
}  // namespace soundscripter
