// parse_range_header (src/api/media_range.hpp): whatever the header, a
// range it grants lies inside the file; and "bytes=A-B" written from two
// numbers gives exactly what RFC 9110 says.
#include <algorithm>
#include <cstring>
#include <string>

#include "api/media_range.hpp"
#include "fuzz_support.hpp"

namespace {

using namespace soundscripter;
using Kind = RangeRequest::Kind;

std::uint64_t take_u64(std::string_view& text) {
  std::uint64_t value = 0;
  const std::size_t n = std::min<std::size_t>(8, text.size());
  std::memcpy(&value, text.data(), n);
  text.remove_prefix(n);
  return value;
}

void check_granted_range(const RangeRequest& request, std::uint64_t size) {
  if (request.kind != Kind::range) return;
  FUZZ_CHECK(size > 0);
  FUZZ_CHECK(request.range.first <= request.range.last);
  FUZZ_CHECK(request.range.last < size);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input = fuzz::as_text(data, size);
  // Small file sizes are where the edge cases are: mostly keep them small.
  const std::uint64_t raw_size = take_u64(input);
  const std::uint64_t file_size = raw_size & 1 ? raw_size >> 1 : (raw_size >> 1) % 4096;

  const RangeRequest any = parse_range_header(input, file_size);
  check_granted_range(any, file_size);
  if (input.size() < 6 || !std::equal(input.begin(), input.begin() + 6, "bytes=", [](char a, char b) {
        return (a >= 'A' && a <= 'Z' ? a - 'A' + 'a' : a) == b;
      })) {
    FUZZ_CHECK(any.kind == Kind::ignored);
  }

  // "bytes=A-B", "bytes=A-" and "bytes=-N" from the next numbers.
  const std::uint64_t a = take_u64(input) % (file_size + 2);
  const std::uint64_t b = take_u64(input);
  const std::string first = std::to_string(a);
  const std::string last = std::to_string(b);

  const RangeRequest closed = parse_range_header("bytes=" + first + "-" + last, file_size);
  check_granted_range(closed, file_size);
  if (b < a) {
    FUZZ_CHECK(closed.kind == Kind::ignored);
  } else if (a >= file_size) {
    FUZZ_CHECK(closed.kind == Kind::unsatisfiable);
  } else {
    FUZZ_CHECK(closed.kind == Kind::range && closed.range.first == a &&
               closed.range.last == std::min(b, file_size - 1));
  }

  const RangeRequest open = parse_range_header("bytes=" + first + "-", file_size);
  check_granted_range(open, file_size);
  FUZZ_CHECK(open.kind == (a >= file_size ? Kind::unsatisfiable : Kind::range));
  if (open.kind == Kind::range) FUZZ_CHECK(open.range.first == a && open.range.last == file_size - 1);

  const RangeRequest suffix = parse_range_header("bytes=-" + last, file_size);
  check_granted_range(suffix, file_size);
  if (b == 0 || file_size == 0) {
    FUZZ_CHECK(suffix.kind == Kind::unsatisfiable);
  } else {
    FUZZ_CHECK(suffix.kind == Kind::range && suffix.range.last == file_size - 1 &&
               suffix.range.last - suffix.range.first + 1 == std::min(b, file_size));
  }

  // A second range anywhere makes it the whole file.
  FUZZ_CHECK(parse_range_header("bytes=" + first + "-" + last + ",0-0", file_size).kind == Kind::ignored);
  return 0;
}
