// MultipartReader (src/api/multipart_reader.hpp), fed the way a socket
// would: the same body once whole and once in pieces whose sizes the input
// chooses, which must give the same fields, files and errors. Files it
// hands over must be on disk as reported; files it keeps must be gone once
// it is destroyed.
//
// Input: one byte choosing the piece sizes, the Content-Type header up to
// the first '\n', then the body.
#include <fstream>
#include <iterator>
#include <optional>
#include <string>
#include <vector>

#include "api/multipart_reader.hpp"
#include "api/sha256.hpp"
#include "fuzz_support.hpp"
#include "util/error.hpp"

namespace {

using namespace soundscripter;
namespace fs = std::filesystem;

// Small limits, so inputs a fuzzer finds can reach them.
constexpr MultipartLimits kLimits{.max_file_bytes = 2000, .max_field_bytes = 300, .max_parts = 6};

struct Outcome {
  std::optional<ErrorCode> error;
  std::string message;
  std::multimap<std::string, std::string> fields;
  std::vector<UploadedFile> files;
};

// Piece sizes from 1 up to a maximum the selector picks, in an order a
// small xorshift generator seeded by the selector decides.
class PieceSizes {
 public:
  explicit PieceSizes(std::uint8_t selector) : state_(selector * 2654435761u + 1) {
    static constexpr std::size_t maxima[] = {1, 2, 3, 5, 8, 17, 64, 4096};
    max_ = maxima[selector & 7];
  }
  std::size_t next() {
    state_ ^= state_ << 13;
    state_ ^= state_ >> 17;
    state_ ^= state_ << 5;
    return 1 + state_ % max_;
  }

 private:
  std::uint32_t state_;
  std::size_t max_;
};

const fs::path& upload_dir() {
  static const fs::path dir = [] {
    fs::path made = fuzz::scratch_dir() / "uploads";
    fs::create_directories(made);
    return made;
  }();
  return dir;
}

// Feeds body whole (selector nullopt) or in pieces; keep_files takes the
// files out of the reader, otherwise its destructor must remove them.
Outcome read_body(std::string_view content_type, std::string_view body, std::optional<std::uint8_t> selector,
                  bool keep_files) {
  Outcome outcome;
  try {
    MultipartReader reader(content_type, upload_dir(), kLimits);
    try {
      if (!selector) {
        reader.feed(body);
      } else {
        PieceSizes sizes(*selector);
        for (std::string_view rest = body; !rest.empty();) {
          const std::size_t n = std::min(sizes.next(), rest.size());
          reader.feed(rest.substr(0, n));
          rest.remove_prefix(n);
        }
      }
    } catch (const Error& error) {
      // Once feed failed, every later call says the same.
      for (int call = 0; call < 2; ++call) {
        try {
          call == 0 ? reader.feed("more") : reader.finish();
          FUZZ_CHECK(false && "a call after a failed feed did not throw");
        } catch (const Error& again) {
          FUZZ_CHECK(again.code() == error.code() && std::string(again.what()) == error.what());
        }
      }
      throw;
    }
    reader.finish();
    outcome.fields = reader.take_fields();
    if (keep_files) outcome.files = reader.take_files();
  } catch (const Error& error) {
    outcome.error = error.code();
    outcome.message = error.what();
  }
  return outcome;
}

std::string file_contents(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::uint8_t selector = data[0];
  const std::string_view input = fuzz::as_text(data + 1, size - 1);
  const auto newline = input.find('\n');
  const std::string_view content_type = input.substr(0, newline);
  const std::string_view body = newline == std::string_view::npos ? std::string_view{} : input.substr(newline + 1);

  const Outcome whole = read_body(content_type, body, std::nullopt, /*keep_files=*/true);
  // Half the inputs check that a reader removes the files nobody took,
  // the other half that pieces give the same files.
  const bool compare_files = selector & 8;
  const Outcome pieces = read_body(content_type, body, selector, compare_files);
  if (compare_files) {
    FUZZ_CHECK(pieces.files.size() == whole.files.size());
    for (std::size_t i = 0; i < pieces.files.size(); ++i) {
      const UploadedFile& a = whole.files[i];
      const UploadedFile& b = pieces.files[i];
      FUZZ_CHECK(a.field == b.field && a.filename == b.filename && a.content_type == b.content_type);
      FUZZ_CHECK(a.bytes == b.bytes && a.sha256 == b.sha256 && a.path != b.path);
      fs::remove(b.path);
    }
  }
  FUZZ_CHECK(fs::is_empty(upload_dir()) == whole.files.empty());

  FUZZ_CHECK(whole.error == pieces.error);
  FUZZ_CHECK(whole.message == pieces.message);
  FUZZ_CHECK(whole.fields == pieces.fields);
  if (whole.error) {
    FUZZ_CHECK(*whole.error == ErrorCode::invalid_argument || *whole.error == ErrorCode::too_large);
  }
  for (const auto& [name, value] : whole.fields) FUZZ_CHECK(value.size() <= kLimits.max_field_bytes);
  FUZZ_CHECK(whole.fields.size() + whole.files.size() <= kLimits.max_parts);

  for (const UploadedFile& file : whole.files) {
    FUZZ_CHECK(file.path.parent_path() == upload_dir());
    const std::string stored = file_contents(file.path);
    FUZZ_CHECK(stored.size() == file.bytes && file.bytes <= kLimits.max_file_bytes);
    FUZZ_CHECK(Sha256::hex_of(stored) == file.sha256);
    FUZZ_CHECK(!file.content_type.empty());
    fs::remove(file.path);
  }
  FUZZ_CHECK(fs::is_empty(upload_dir()));
  return 0;
}
