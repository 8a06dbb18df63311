// parse_multipart_part_headers (src/api/multipart_part_headers.hpp): any
// header block is either refused with an Error or gives a part with a name
// and a file name without any directory in it.
#include "api/multipart_part_headers.hpp"
#include "fuzz_support.hpp"
#include "util/error.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace soundscripter;
  try {
    const MultipartPartInfo info = parse_multipart_part_headers(fuzz::as_text(data, size), 1);
    FUZZ_CHECK(!info.name.empty());
    if (info.filename) {
      FUZZ_CHECK(info.filename->find('/') == std::string::npos);
      FUZZ_CHECK(info.filename->find('\\') == std::string::npos);
    }
    FUZZ_CHECK(info.content_type.size() <= size);
  } catch (const Error& error) {
    FUZZ_CHECK(error.code() == ErrorCode::invalid_argument);
  }
  return 0;
}
