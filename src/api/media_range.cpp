#include "api/media_range.hpp"

#include "media/mime_type.hpp"
#include "util/error.hpp"

namespace soundscripter {
namespace {

// 1*DIGIT, saturating at the largest value instead of overflowing; nothing
// when it is empty or has anything but digits.
std::optional<std::uint64_t> digits(std::string_view text) {
  if (text.empty()) return std::nullopt;
  std::uint64_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    const std::uint64_t digit = static_cast<std::uint64_t>(c - '0');
    value = value > (UINT64_MAX - digit) / 10 ? UINT64_MAX : value * 10 + digit;
  }
  return value;
}

bool equals_ignoring_case(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

}  // namespace

RangeRequest parse_range_header(std::string_view header, std::uint64_t size) {
  using Kind = RangeRequest::Kind;
  const auto equals = header.find('=');
  if (equals == std::string_view::npos || !equals_ignoring_case(header.substr(0, equals), "bytes")) {
    return {};
  }
  const std::string_view spec = header.substr(equals + 1);
  if (spec.find(',') != std::string_view::npos) return {};  // several: the whole file
  const auto dash = spec.find('-');
  if (dash == std::string_view::npos) return {};
  const std::string_view from = spec.substr(0, dash);
  const std::string_view to = spec.substr(dash + 1);
  if (from.empty()) {  // "-n": the last n bytes
    const auto suffix = digits(to);
    if (!suffix) return {};
    if (*suffix == 0 || size == 0) return {Kind::unsatisfiable, {}};
    return {Kind::range, {*suffix >= size ? 0 : size - *suffix, size - 1}};
  }
  const auto first = digits(from);
  const std::optional<std::uint64_t> last = to.empty() ? std::optional<std::uint64_t>(UINT64_MAX) : digits(to);
  if (!first || !last || *last < *first) return {};
  if (*first >= size) return {Kind::unsatisfiable, {}};
  return {Kind::range, {*first, std::min(*last, size - 1)}};
}

HttpResponse media_file_response(const std::filesystem::path& path, const std::string& filename,
                                 const std::optional<std::string>& range_header) {
  std::error_code ec;
  const std::uint64_t size = std::filesystem::file_size(path, ec);
  if (ec) throw Error(ErrorCode::not_found, "the media of this job is no longer stored");
  HttpResponse response;
  response.file = path;
  response.content_type = mime_type_for(filename);
  response.headers.emplace_back("Accept-Ranges", "bytes");
  std::string quoted_name;  // quotes and control characters would break the header
  for (char c : filename) quoted_name += (c == '"' || static_cast<unsigned char>(c) < 0x20) ? '_' : c;
  response.headers.emplace_back("Content-Disposition", "inline; filename=\"" + quoted_name + "\"");
  const RangeRequest asked = range_header ? parse_range_header(*range_header, size) : RangeRequest{};
  if (asked.kind == RangeRequest::Kind::unsatisfiable) {
    HttpResponse refusal = error_response(416, "range_not_satisfiable",
                                          "the range '" + *range_header + "' is outside the file's " +
                                              std::to_string(size) + " bytes");
    refusal.headers.emplace_back("Content-Range", "bytes */" + std::to_string(size));
    return refusal;
  }
  const std::optional<ByteRange> range =
      asked.kind == RangeRequest::Kind::range ? std::optional(asked.range) : std::nullopt;
  if (range) {
    response.status = 206;
    response.file_offset = range->first;
    response.file_length = range->last - range->first + 1;
    response.headers.emplace_back("Content-Range", "bytes " + std::to_string(range->first) + "-" +
                                                       std::to_string(range->last) + "/" +
                                                       std::to_string(size));
  }
  return response;
}

}  // namespace soundscripter
