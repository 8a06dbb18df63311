// The multipart/form-data reader against bodies as browsers and curl send
// them, fed in every way a socket could cut them.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "api/multipart_reader.hpp"
#include "api/sha256.hpp"
#include "support/temp_dir.hpp"
#include "util/error.hpp"

namespace soundscripter {
namespace {

namespace fs = std::filesystem;

constexpr char boundary[] = "----WebKitFormBoundary7MA4YWxkTrZu0gW";
const std::string content_type = std::string("multipart/form-data; boundary=") + boundary;

std::string field_part(const std::string& name, const std::string& value) {
  return std::string("--") + boundary + "\r\nContent-Disposition: form-data; name=\"" + name + "\"\r\n\r\n" +
         value + "\r\n";
}

std::string file_part(const std::string& name, const std::string& filename, const std::string& data,
                      const std::string& type = "audio/wav") {
  return std::string("--") + boundary + "\r\nContent-Disposition: form-data; name=\"" + name +
         "\"; filename=\"" + filename + "\"\r\nContent-Type: " + type + "\r\n\r\n" + data + "\r\n";
}

std::string closing() { return std::string("--") + boundary + "--\r\n"; }

// Bytes that look like the framing without being it.
std::string tricky_binary() {
  std::string data;
  for (int i = 0; i < 256; ++i) data += static_cast<char>(i);
  data += "\r\n--";                                          // a delimiter's start...
  data += std::string(boundary).substr(0, 10) + "X";          // ...that is not one
  data += std::string("--") + boundary;                      // a boundary with no CRLF before it
  data += "\r\n\r\n\r";
  data += std::string("\r\n--") + std::string(boundary).substr(0, sizeof boundary - 2);  // one byte short, at the end
  return data;
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream contents;
  contents << in.rdbuf();
  return contents.str();
}

class multipart_reader : public ::testing::Test {
 protected:

  std::size_t files_in_dir() const {
    return static_cast<std::size_t>(std::distance(fs::directory_iterator(dir_), fs::directory_iterator()));
  }
  std::uintmax_t bytes_in_dir() const {
    std::uintmax_t total = 0;
    for (const auto& entry : fs::directory_iterator(dir_)) total += entry.file_size();
    return total;
  }

  struct Result {
    std::multimap<std::string, std::string> fields;
    std::vector<UploadedFile> files;
  };

  Result parse_in_pieces(const std::string& body, const std::vector<std::size_t>& cuts,
                         MultipartLimits limits = {}) {
    MultipartReader reader(content_type, dir_, limits);
    std::size_t from = 0;
    for (std::size_t cut : cuts) {
      reader.feed(std::string_view(body).substr(from, cut - from));
      from = cut;
    }
    reader.feed(std::string_view(body).substr(from));
    reader.finish();
    return {reader.take_fields(), reader.take_files()};
  }

  Result parse(const std::string& body, MultipartLimits limits = {}) { return parse_in_pieces(body, {}, limits); }

  test::TempDir temp_{"multipart"};
  const fs::path& dir_ = temp_.path();
};

TEST_F(multipart_reader, ReadsFieldsAndAFile) {
  const std::string audio = tricky_binary();
  const auto result = parse(field_part("language", "de") + field_part("task", "transcribe") +
                            file_part("file", "talk.wav", audio) + closing());
  ASSERT_EQ(result.fields.size(), 2u);
  EXPECT_EQ(result.fields.find("language")->second, "de");
  EXPECT_EQ(result.fields.find("task")->second, "transcribe");
  ASSERT_EQ(result.files.size(), 1u);
  const UploadedFile& file = result.files[0];
  EXPECT_EQ(file.field, "file");
  EXPECT_EQ(file.filename, "talk.wav");
  EXPECT_EQ(file.content_type, "audio/wav");
  EXPECT_EQ(file.bytes, audio.size());
  EXPECT_EQ(read_file(file.path), audio);
  EXPECT_EQ(file.sha256, Sha256::hex_of(audio));
  EXPECT_EQ(file.path.parent_path(), dir_);
}

TEST_F(multipart_reader, EverySplitPointGivesTheSameResult) {
  const std::string audio = tricky_binary();
  const std::string body = "preamble\r\n" + field_part("language", "en\r\n-") + file_part("file", "a.wav", audio) +
                           field_part("name", "") + closing() + "epilogue";
  for (std::size_t cut = 0; cut <= body.size(); ++cut) {
    const auto result = parse_in_pieces(body, {cut});
    ASSERT_EQ(result.files.size(), 1u) << "cut at " << cut;
    ASSERT_EQ(read_file(result.files[0].path), audio) << "cut at " << cut;
    ASSERT_EQ(result.files[0].sha256, Sha256::hex_of(audio)) << "cut at " << cut;
    ASSERT_EQ(result.fields.find("language")->second, "en\r\n-") << "cut at " << cut;
    ASSERT_EQ(result.fields.find("name")->second, "") << "cut at " << cut;
    fs::remove(result.files[0].path);
  }
}

TEST_F(multipart_reader, OneBytePiecesGiveTheSameResult) {
  const std::string audio = tricky_binary();
  const std::string body = field_part("language", "en") + file_part("file", "a.wav", audio) + closing();
  std::vector<std::size_t> cuts;
  for (std::size_t i = 1; i < body.size(); ++i) cuts.push_back(i);
  const auto result = parse_in_pieces(body, cuts);
  ASSERT_EQ(result.files.size(), 1u);
  EXPECT_EQ(read_file(result.files[0].path), audio);
  EXPECT_EQ(result.fields.find("language")->second, "en");
}

TEST_F(multipart_reader, AFileOverTheLimitStopsAsSoonAsItIsPassed) {
  const std::uint64_t limit = 1000;
  const std::size_t piece = 100;
  const std::string head = file_part("file", "big.wav", "");
  const std::string body = head.substr(0, head.size() - 2) + std::string(5000, 'a') + "\r\n" + closing();
  MultipartReader reader(content_type, dir_, MultipartLimits{limit, 64 * 1024, 64});
  std::size_t fed = 0;
  try {
    for (; fed < body.size(); fed += piece) {
      reader.feed(std::string_view(body).substr(fed, piece));
      EXPECT_LE(bytes_in_dir(), limit);
    }
    FAIL() << "no error for a file over the limit";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::too_large);
    EXPECT_STREQ(error.what(), "field 'file' is larger than the upload limit of 1000 bytes");
  }
  // The piece that passed the limit is the one that failed.
  const std::size_t file_start = head.size() - 2;
  EXPECT_EQ(fed / piece, (file_start + limit) / piece);
  EXPECT_EQ(files_in_dir(), 0u) << "the refused part's file is removed at once";
  EXPECT_THROW(reader.feed("more"), Error);
}

TEST_F(multipart_reader, LimitMessagesNameTheFieldAndTheLimit) {
  try {
    parse(field_part("prompt", std::string(2048, 'x')) + closing(), MultipartLimits{1 << 20, 1024, 64});
    FAIL();
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::too_large);
    EXPECT_STREQ(error.what(), "field 'prompt' is larger than the limit of 1K for text fields");
  }
  try {
    parse(field_part("a", "1") + field_part("b", "2") + field_part("c", "3") + closing(),
          MultipartLimits{1 << 20, 1024, 2});
    FAIL();
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::too_large);
    EXPECT_STREQ(error.what(), "the form has more than 2 parts");
  }
}

TEST_F(multipart_reader, MissingClosingBoundaryIsAnError) {
  MultipartReader reader(content_type, dir_, {});
  reader.feed(field_part("language", "de") + file_part("file", "a.wav", "data").substr(0, 150));
  try {
    reader.finish();
    FAIL();
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::invalid_argument);
    EXPECT_STREQ(error.what(),
                 "malformed multipart body: the body ended inside field 'file', before the closing boundary");
  }
  MultipartReader empty(content_type, dir_, {});
  empty.feed("no boundary here");
  EXPECT_THROW(empty.finish(), Error);
}

TEST_F(multipart_reader, APartWithoutANameIsAnError) {
  const std::string body = std::string("--") + boundary + "\r\nContent-Disposition: form-data; filename=\"a.wav\"\r\n\r\nx\r\n" +
                           closing();
  try {
    parse(body);
    FAIL();
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::invalid_argument);
    EXPECT_STREQ(error.what(), "multipart part 1 has no name in its Content-Disposition header");
  }
  EXPECT_EQ(files_in_dir(), 0u);
}

TEST_F(multipart_reader, PreambleAndEpilogueAreIgnored) {
  const auto result = parse("This is a preamble.\r\n--not the boundary\r\n\r\n" + field_part("a", "1") +
                            closing() + "\r\nepilogue with --" + boundary + "\r\n junk");
  ASSERT_EQ(result.fields.size(), 1u);
  EXPECT_EQ(result.fields.find("a")->second, "1");
}

TEST_F(multipart_reader, LineBreaksInsideDataAreKept) {
  // Only the CRLF right before a delimiter belongs to the framing.
  const std::string data = "\r\nline one\r\nline two\r\n\r\n";
  const auto result = parse(field_part("text", data) + file_part("file", "a.txt", data, "text/plain") + closing());
  EXPECT_EQ(result.fields.find("text")->second, data);
  EXPECT_EQ(read_file(result.files.at(0).path), data);
  // Spaces after a boundary are allowed padding.
  const auto padded = parse(std::string("--") + boundary + "  \r\nContent-Disposition: form-data; name=a\r\n\r\n1\r\n" +
                            closing());
  EXPECT_EQ(padded.fields.find("a")->second, "1");
}

TEST_F(multipart_reader, BoundaryFollowedByJunkIsMalformed) {
  try {
    parse(std::string("--") + boundary + "X\r\n\r\n" + closing());
    FAIL();
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::invalid_argument);
    EXPECT_NE(std::string(error.what()).find("malformed multipart body"), std::string::npos);
  }
}

TEST_F(multipart_reader, HeaderValuesMayBeQuotedOrExtended) {
  const std::string head = std::string("--") + boundary + "\r\n";
  const std::string body =
      head + "content-disposition: form-data; name=\"f;1\"; filename=\"C:\\\\Users\\\\me\\\\a \\\"b\\\".wav\"\r\n\r\nx\r\n" +
      head + "Content-Disposition: form-data; name=file2; filename=\"fallback.wav\"; filename*=UTF-8''%C3%A9t%C3%A9.wav\r\n\r\ny\r\n" +
      head + "Content-Disposition: form-data; name=\"empty\"; filename=\"\"\r\nContent-Type: application/octet-stream\r\n\r\n\r\n" +
      head + "Content-Disposition: form-data; name=\"n\"\r\n\r\nv\r\n" + closing();
  const auto result = parse(body);
  ASSERT_EQ(result.files.size(), 2u) << "a file input with no file chosen is no file";
  EXPECT_EQ(result.files[0].field, "f;1");
  EXPECT_EQ(result.files[0].filename, "a \"b\".wav");
  EXPECT_EQ(result.files[0].content_type, "application/octet-stream");
  EXPECT_EQ(result.files[1].field, "file2");
  EXPECT_EQ(result.files[1].filename, "\xC3\xA9t\xC3\xA9.wav");
  EXPECT_EQ(result.fields.find("n")->second, "v");
  EXPECT_EQ(files_in_dir(), 2u);
}

TEST_F(multipart_reader, RepeatedFieldsKeepEveryValueInOrder) {
  const auto result = parse(field_part("timestamp_granularities[]", "word") +
                            field_part("timestamp_granularities[]", "segment") + closing());
  auto [first, last] = result.fields.equal_range("timestamp_granularities[]");
  ASSERT_EQ(std::distance(first, last), 2);
  EXPECT_EQ(first->second, "word");
  EXPECT_EQ(std::next(first)->second, "segment");
}

TEST_F(multipart_reader, ContentTypeMustBeMultipartWithABoundary) {
  EXPECT_NO_THROW(MultipartReader("Multipart/Form-Data; charset=utf-8; boundary=\"a b\"", dir_, {}));
  for (const char* bad : {"application/json", "multipart/form-data", "multipart/form-data; boundary=\"\""}) {
    try {
      MultipartReader reader(bad, dir_, {});
      FAIL() << bad;
    } catch (const Error& error) {
      EXPECT_EQ(error.code(), ErrorCode::invalid_argument) << bad;
    }
  }
}

TEST_F(multipart_reader, FilesNobodyTookAreRemoved) {
  {
    MultipartReader reader(content_type, dir_, {});
    reader.feed(file_part("file", "a.wav", "data") + closing());
    reader.finish();
    EXPECT_EQ(files_in_dir(), 1u);
  }
  EXPECT_EQ(files_in_dir(), 0u);
  {
    MultipartReader reader(content_type, dir_, {});
    reader.feed(file_part("file", "a.wav", "data") + file_part("other", "b.wav", "da"));  // no closing boundary
    EXPECT_EQ(files_in_dir(), 2u);
  }
  EXPECT_EQ(files_in_dir(), 0u);
}

}  // namespace
}  // namespace soundscripter
