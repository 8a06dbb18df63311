// Parameters of Content-Type and Content-Disposition as clients send them.
#include <gtest/gtest.h>

#include "api/header_params.hpp"

namespace soundscripter {
namespace {

TEST(multipart_header_params, QuotedPlainAndExtendedValues) {
  const auto header = parse_header_value(
      "Form-Data; name=\"a;b\"; FileName=plain.wav ; filename*=ISO-8859-1''caf%E9.wav; flag; x=\"esc\\\"aped\"");
  EXPECT_EQ(header.value, "form-data");
  EXPECT_EQ(header.param("name"), "a;b");
  EXPECT_EQ(header.param("filename"), "caf\xC3\xA9.wav") << "filename* wins, converted to UTF-8";
  EXPECT_EQ(header.param("x"), "esc\"aped");
  EXPECT_EQ(header.param("flag"), std::nullopt);
}

TEST(multipart_header_params, UnknownCharsetKeepsThePlainValue) {
  const auto header = parse_header_value("attachment; filename=\"a.wav\"; filename*=KOI8-R''%C1.wav");
  EXPECT_EQ(header.param("filename"), "a.wav");
}

TEST(multipart_header_params, UnterminatedQuoteTakesTheRest) {
  const auto header = parse_header_value("multipart/form-data; boundary=\"abc");
  EXPECT_EQ(header.param("boundary"), "abc");
}

// Found by fuzz/header_params_fuzz.cpp: "*=" made a parameter with an empty
// name, which every other path refuses.
TEST(multipart_header_params, BareStarNamesNoParameter) {
  const auto header = parse_header_value("form-data; *=UTF-8''x; name=\"a\"");
  EXPECT_EQ(header.params.count(""), 0u);
  EXPECT_EQ(header.param("name"), "a");
}

}  // namespace
}  // namespace soundscripter
