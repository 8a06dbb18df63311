// Random-weight models: the files make_whisper_model writes are ones
// whisper.cpp accepts with exactly the shape asked for, they run end to end,
// and inspect_model refuses damaged copies by name.
//
// Every engine and CLI test rests on these models standing in for real ones,
// so this is where a format mistake should show first.

#include <gtest/gtest.h>

#include <filesystem>
#include <cstdint>
#include <fstream>
#include <iterator>
#include <ostream>
#include <string>

#include "models/model_check.hpp"
#include "support/process.hpp"
#include "support/test_models.hpp"
#include "support/test_paths.hpp"
#include "util/error.hpp"

namespace soundscripter::test {
namespace {

namespace fs = std::filesystem;

struct ShapeCase {
  std::string label;
  std::string shape;
  bool multilingual;
  int requested_text_ctx;  // 0: the shape's default
  std::string type;        // whisper.cpp's name for the layer count
  int state, heads, layers, text_ctx;
};

// Names the case in test output instead of dumping its bytes.
void PrintTo(const ShapeCase& shape_case, std::ostream* out) { *out << shape_case.label; }

class random_model_shape : public ::testing::TestWithParam<ShapeCase> {};

TEST_P(random_model_shape, LoadsWithTheRequestedShape) {
  const auto& c = GetParam();
  const auto path = random_whisper_model(c.shape, c.multilingual, c.requested_text_ctx);
  const ModelShape shape = inspect_model(path);

  EXPECT_EQ(shape.type, c.type);
  EXPECT_EQ(shape.multilingual, c.multilingual);
  EXPECT_EQ(shape.n_vocab, c.multilingual ? 51865 : 51864);
  EXPECT_EQ(shape.n_audio_ctx, 1500);
  EXPECT_EQ(shape.n_audio_state, c.state);
  EXPECT_EQ(shape.n_audio_head, c.heads);
  EXPECT_EQ(shape.n_audio_layer, c.layers);
  EXPECT_EQ(shape.n_text_ctx, c.text_ctx);
  EXPECT_EQ(shape.n_text_state, c.state);
  EXPECT_EQ(shape.n_text_head, c.heads);
  EXPECT_EQ(shape.n_text_layer, c.layers);
  EXPECT_EQ(shape.n_mels, 80);
  EXPECT_EQ(shape.ftype, 1);  // f16 weights
  EXPECT_EQ(shape.file_size, fs::file_size(path));
}

INSTANTIATE_TEST_SUITE_P(
    Shapes, random_model_shape,
    ::testing::Values(ShapeCase{"test", "test", false, 0, "unknown", 64, 2, 1, 64},
                      ShapeCase{"test_multilingual", "test", true, 0, "unknown", 64, 2, 1, 64},
                      ShapeCase{"test_ctx32", "test", false, 32, "unknown", 64, 2, 1, 32},
                      ShapeCase{"tiny", "tiny", false, 0, "tiny", 384, 6, 4, 448}),
    [](const ::testing::TestParamInfo<ShapeCase>& shape_case) { return shape_case.param.label; });

// A scratch directory per test, so damaged copies never reach the model cache.
fs::path scratch_dir(const std::string& name) {
  auto dir = test_data_dir() / "random_model_test" / name;
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

fs::path truncated_copy(const fs::path& model, const fs::path& copy, std::uintmax_t keep_bytes) {
  fs::copy_file(model, copy, fs::copy_options::overwrite_existing);
  fs::resize_file(copy, keep_bytes);
  return copy;
}

// Runs inspect_model and returns the Error it must throw.
Error inspect_error(const fs::path& path) {
  try {
    inspect_model(path);
  } catch (const Error& error) {
    return error;
  }
  ADD_FAILURE() << path << " was accepted as a model";
  return Error(ErrorCode::internal, "accepted");
}

void expect_invalid_naming_file(const fs::path& path) {
  const Error error = inspect_error(path);
  EXPECT_EQ(error.code(), ErrorCode::model_invalid) << error.what();
  EXPECT_NE(std::string(error.what()).find(path.string()), std::string::npos) << error.what();
}

TEST(random_model_check, HalfAModelIsInvalid) {
  const auto model = random_whisper_model("test");
  const auto dir = scratch_dir("half");
  expect_invalid_naming_file(truncated_copy(model, dir / "half.bin", fs::file_size(model) / 2));
}

// whisper.cpp alone would accept this one: it only counts the tensors it saw.
TEST(random_model_check, AModelCutInsideItsLastTensorIsInvalid) {
  const auto model = random_whisper_model("test");
  const auto dir = scratch_dir("cut");
  expect_invalid_naming_file(truncated_copy(model, dir / "cut.bin", fs::file_size(model) - 8));
}

// The bytes before the first tensor: header, mel filters and vocabulary.
std::uintmax_t weights_offset(const fs::path& model) {
  std::ifstream in(model, std::ios::binary);
  auto read_i32 = [&] {
    std::int32_t value = 0;
    in.read(reinterpret_cast<char*>(&value), sizeof value);
    return value;
  };
  in.seekg(12 * 4);  // magic and 11 hyperparameters
  const std::int32_t n_mels = read_i32(), n_bins = read_i32();
  in.seekg(static_cast<std::streamoff>(n_mels) * n_bins * 4, std::ios::cur);
  const std::int32_t n_tokens = read_i32();
  for (std::int32_t i = 0; i < n_tokens; ++i) in.seekg(read_i32(), std::ios::cur);
  return static_cast<std::uintmax_t>(in.tellg());
}

// whisper.cpp alone loads this as an "empty model for testing".
TEST(random_model_check, AModelWithoutWeightsIsInvalid) {
  const auto model = random_whisper_model("test");
  const auto dir = scratch_dir("no_weights");
  expect_invalid_naming_file(truncated_copy(model, dir / "no-weights.bin", weights_offset(model)));
}

TEST(random_model_check, ATextFileIsInvalid) {
  const auto path = scratch_dir("text") / "notes.bin";
  std::ofstream(path) << "this is not a ggml model, just some words\n";
  expect_invalid_naming_file(path);
}

TEST(random_model_check, AnEmptyFileIsInvalid) {
  const auto path = scratch_dir("empty") / "empty.bin";
  std::ofstream{path};
  expect_invalid_naming_file(path);
}

TEST(random_model_check, AMissingFileIsNotFound) {
  const auto path = scratch_dir("missing") / "no-such-model.bin";
  const Error error = inspect_error(path);
  EXPECT_EQ(error.code(), ErrorCode::not_found) << error.what();
  EXPECT_NE(std::string(error.what()).find(path.string()), std::string::npos) << error.what();
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

TEST(random_model_tool, SameSeedSameFileOtherSeedOtherWeights) {
  const auto dir = scratch_dir("seeds");
  auto make = [&](const std::string& seed, const std::string& name) {
    const auto out = dir / name;
    const auto result =
        run_process({make_whisper_model_binary(), "--shape", "test", "--seed", seed, "--out", out.string()});
    EXPECT_EQ(result.exit_code, 0) << result.err;
    EXPECT_FALSE(fs::exists(out.string() + ".tmp"));
    return read_file(out);
  };
  const auto first = make("7", "a.bin");
  EXPECT_EQ(first, make("7", "b.bin"));
  EXPECT_NE(first, make("8", "c.bin"));
}

TEST(random_model_tool, RejectsAnUnknownShapeWithUsage) {
  const auto out = scratch_dir("usage") / "never.bin";
  const auto result = run_process({make_whisper_model_binary(), "--shape", "huge", "--out", out.string()});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find("huge"), std::string::npos) << result.err;
  EXPECT_NE(result.err.find("usage:"), std::string::npos) << result.err;
  EXPECT_FALSE(fs::exists(out));
}

// Every byte sequence whisper-cli prints must be UTF-8: the token strings are.
bool is_valid_utf8(const std::string& text) {
  for (std::size_t i = 0; i < text.size();) {
    const auto lead = static_cast<unsigned char>(text[i]);
    const int length = lead < 0x80 ? 1 : (lead >> 5) == 0x6 ? 2 : (lead >> 4) == 0xe ? 3 : (lead >> 3) == 0x1e ? 4 : 0;
    if (length == 0 || i + length > text.size()) return false;
    for (int k = 1; k < length; ++k) {
      if ((static_cast<unsigned char>(text[i + k]) & 0xc0) != 0x80) return false;
    }
    i += length;
  }
  return true;
}

TEST(random_model_cli, WhisperCliTranscribesWithTheTestModel) {
  const auto model = random_whisper_model("test");
  const auto result = run_process({whisper_cli_binary(), "-m", model.string(), "-f", jfk_wav().string(), "-nf",
                                   "-bs", "1", "-bo", "1", "-t", "2", "-l", "en"},
                                  120);
  ASSERT_EQ(result.exit_code, 0) << result.err;
  // Segments print as "[00:00:00.000 --> 00:00:05.000]  text".
  std::string text;
  for (std::size_t at = result.out.find(']'); at != std::string::npos; at = result.out.find(']', at + 1)) {
    const auto line_end = result.out.find('\n', at);
    text += result.out.substr(at + 1, line_end == std::string::npos ? std::string::npos : line_end - at - 1);
  }
  EXPECT_NE(text.find_first_not_of(" \t\r\n"), std::string::npos) << "no text in: " << result.out;
  EXPECT_TRUE(is_valid_utf8(result.out)) << result.out;
  EXPECT_EQ(result.err.find("nan"), std::string::npos) << result.err;
}

}  // namespace
}  // namespace soundscripter::test
