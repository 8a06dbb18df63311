// The framing of multipart/form-data (RFC 2046 section 5.1, RFC 7578) as a
// state machine over arbitrary pieces of the body.
//
// Every delimiter is "\r\n--BOUNDARY"; the first one may start the body
// without the CRLF, so the reader begins as if a CRLF had come before the
// body. Between delimiters the bytes go to the current part, except a short
// tail that could be the start of the next delimiter: it is held back until
// the next piece says whether it is. So the reader never holds more than a
// delimiter's length of part data, and a piece boundary can fall anywhere.
#include "api/multipart_reader.hpp"

#include <cstring>
#include <optional>
#include <utility>

#include "api/header_params.hpp"
#include "api/multipart_part_headers.hpp"
#include "api/upload_temp_file.hpp"
#include "util/error.hpp"
#include "util/units.hpp"

namespace soundscripter {
namespace {

constexpr std::size_t max_boundary_length = 70;        // RFC 2046
constexpr std::size_t max_part_header_bytes = 8 * 1024;
constexpr std::size_t max_boundary_padding = 256;      // spaces allowed after a boundary

// "500M (524288000 bytes)", or "1000 bytes" when that is all there is to say.
std::string describe_limit(std::uint64_t bytes) {
  const std::string exact = std::to_string(bytes) + " bytes";
  const std::string short_form = format_byte_size(bytes);
  return short_form == std::to_string(bytes) ? exact : short_form + " (" + exact + ")";
}

Error malformed(const std::string& why) {
  return Error(ErrorCode::invalid_argument, "malformed multipart body: " + why);
}

std::string boundary_from(std::string_view content_type) {
  const HeaderValue header = parse_header_value(content_type);
  if (header.value != "multipart/form-data") {
    throw Error(ErrorCode::invalid_argument,
                "expected a multipart/form-data body, not '" + std::string(content_type.substr(0, 100)) + "'");
  }
  auto boundary = header.param("boundary");
  if (!boundary || boundary->empty()) {
    throw Error(ErrorCode::invalid_argument, "multipart/form-data without a boundary parameter");
  }
  if (boundary->size() > max_boundary_length) {
    throw Error(ErrorCode::invalid_argument, "the multipart boundary is longer than 70 characters");
  }
  return *boundary;
}

}  // namespace

struct MultipartReader::Impl {
  enum class State { preamble, boundary_line, headers, body, epilogue };

  // One part being received: a text field in memory or a file on disk.
  struct Part {
    MultipartPartInfo info;
    std::string text;
    std::optional<UploadTempFile> file;
  };

  std::filesystem::path upload_dir;
  MultipartLimits limits;
  std::string delimiter;            // "\r\n--" + boundary
  State state = State::preamble;
  std::string held;                 // see the file comment; starts as the virtual CRLF
  std::string line;                 // the boundary line or header block so far
  std::size_t part_count = 0;
  std::optional<Part> part;
  std::optional<Error> failure;     // once failed, every later call repeats it

  std::multimap<std::string, std::string> fields;
  std::vector<UploadedFile> files;
  std::vector<UploadTempFile> finished_files;  // removed unless taken

  void consume(std::string_view in);
  void on_boundary_line(std::string_view& in);
  void on_headers(std::string_view& in);
  void on_part_data(std::string_view data);
  void finish_part();
  template <typename Emit>
  bool scan_to_delimiter(std::string_view& in, Emit&& emit);
  std::size_t partial_delimiter_start(std::string_view bytes) const;
};

// Where a tail of `bytes` starts that is a proper prefix of the delimiter
// (the longest one), or bytes.size() when none is.
std::size_t MultipartReader::Impl::partial_delimiter_start(std::string_view bytes) const {
  const std::size_t n = bytes.size();
  std::size_t from = n >= delimiter.size() ? n - delimiter.size() + 1 : 0;
  while (from < n) {
    const void* cr = std::memchr(bytes.data() + from, '\r', n - from);
    if (!cr) return n;
    from = static_cast<std::size_t>(static_cast<const char*>(cr) - bytes.data());
    if (std::string_view(delimiter).starts_with(bytes.substr(from))) return from;
    ++from;
  }
  return n;
}

// Passes the bytes before the next delimiter to emit and consumes the
// delimiter; true when it was found. Otherwise all of `in` is used up, some
// of it maybe held back for the next call.
template <typename Emit>
bool MultipartReader::Impl::scan_to_delimiter(std::string_view& in, Emit&& emit) {
  if (!held.empty()) {
    // Join the held tail with just enough of `in` to decide about it.
    const std::size_t held_size = held.size();
    const std::size_t taken = std::min(in.size(), delimiter.size());
    held.append(in.substr(0, taken));
    const std::string_view joined = held;
    if (const auto match = joined.find(delimiter); match != std::string_view::npos) {
      emit(joined.substr(0, match));
      in.remove_prefix(match + delimiter.size() - held_size);
      held.clear();
      return true;
    }
    const std::size_t keep = partial_delimiter_start(joined);
    emit(joined.substr(0, keep));
    if (taken == in.size()) {  // all of `in` is in `held`
      held.erase(0, keep);
      in = {};
      return false;
    }
    // The kept tail is shorter than the delimiter, so it lies within the
    // taken bytes: give them back to `in` and scan it as a whole.
    in.remove_prefix(taken - (joined.size() - keep));
    held.clear();
  }
  if (const auto match = in.find(delimiter); match != std::string_view::npos) {
    emit(in.substr(0, match));
    in.remove_prefix(match + delimiter.size());
    return true;
  }
  const std::size_t keep = partial_delimiter_start(in);
  emit(in.substr(0, keep));
  held.assign(in.substr(keep));
  in = {};
  return false;
}

// After a delimiter: "--" closes the body; otherwise optional spaces and a
// CRLF start the next part's headers.
void MultipartReader::Impl::on_boundary_line(std::string_view& in) {
  while (!in.empty()) {
    const char c = in.front();
    in.remove_prefix(1);
    line += c;
    if (line == "-") continue;
    if (line == "--") {
      state = State::epilogue;
      return;
    }
    const bool after_cr = line.size() >= 2 && line[line.size() - 2] == '\r';
    if (c == '\n' && after_cr) {
      if (++part_count > limits.max_parts) {
        throw Error(ErrorCode::too_large,
                    "the form has more than " + std::to_string(limits.max_parts) + " parts");
      }
      // The virtual CRLF lets an empty header block end with the same "\r\n\r\n".
      line = "\r\n";
      state = State::headers;
      return;
    }
    if (line.front() == '-' || after_cr || (c != ' ' && c != '\t' && c != '\r') ||
        line.size() > max_boundary_padding) {
      throw malformed("a boundary is followed by something other than a line end or '--'");
    }
  }
}

void MultipartReader::Impl::on_headers(std::string_view& in) {
  const std::size_t before = line.size();
  const std::size_t taken = std::min(in.size(), max_part_header_bytes + 4 - std::min(before, max_part_header_bytes));
  line.append(in.substr(0, taken));
  const auto end = line.find("\r\n\r\n", before >= 3 ? before - 3 : 0);
  if (end == std::string::npos) {
    in.remove_prefix(taken);
    if (line.size() > max_part_header_bytes + 2) {
      throw Error(ErrorCode::too_large, "multipart part " + std::to_string(part_count) +
                                            " has more than " + std::to_string(max_part_header_bytes) +
                                            " bytes of headers");
    }
    return;
  }
  in.remove_prefix(end + 4 - before);
  Part next;
  next.info = parse_multipart_part_headers(std::string_view(line).substr(2, end >= 2 ? end - 2 : 0), part_count);
  if (next.info.filename) next.file.emplace(upload_dir);
  part.emplace(std::move(next));
  line.clear();
  state = State::body;
}

void MultipartReader::Impl::on_part_data(std::string_view data) {
  if (data.empty()) return;
  // Checked before writing, so a refused upload never puts more than the
  // limit on disk.
  if (part->file) {
    if (part->file->bytes() + data.size() > limits.max_file_bytes) {
      throw Error(ErrorCode::too_large, "field '" + part->info.name + "' is larger than the upload limit of " +
                                            describe_limit(limits.max_file_bytes));
    }
    part->file->write(data);
    return;
  }
  if (part->text.size() + data.size() > limits.max_field_bytes) {
    throw Error(ErrorCode::too_large, "field '" + part->info.name + "' is larger than the limit of " +
                                          format_byte_size(limits.max_field_bytes) + " for text fields");
  }
  part->text.append(data);
}

void MultipartReader::Impl::finish_part() {
  Part done = std::move(*part);
  part.reset();
  if (!done.file) {
    fields.emplace(std::move(done.info.name), std::move(done.text));
    return;
  }
  // A browser sends a file input with no file chosen as an empty part with
  // filename="": that is no upload at all.
  if (done.info.filename->empty() && done.file->bytes() == 0) return;
  UploadedFile file;
  file.field = done.info.name;
  file.filename = *done.info.filename;
  file.content_type = done.info.content_type.empty() ? "application/octet-stream" : done.info.content_type;
  file.path = done.file->path();
  file.bytes = done.file->bytes();
  file.sha256 = done.file->close();
  files.push_back(std::move(file));
  finished_files.push_back(std::move(*done.file));  // still removes the file until taken
}

void MultipartReader::Impl::consume(std::string_view in) {
  while (!in.empty()) {
    switch (state) {
      case State::preamble:
        if (scan_to_delimiter(in, [](std::string_view) {})) state = State::boundary_line;
        break;
      case State::boundary_line:
        on_boundary_line(in);
        break;
      case State::headers:
        on_headers(in);
        break;
      case State::body:
        if (scan_to_delimiter(in, [this](std::string_view data) { on_part_data(data); })) {
          finish_part();
          line.clear();
          state = State::boundary_line;
        }
        break;
      case State::epilogue:
        return;  // ignored, as RFC 2046 says
    }
  }
}

MultipartReader::MultipartReader(std::string_view content_type, std::filesystem::path upload_dir,
                                 MultipartLimits limits)
    : impl_(std::make_unique<Impl>()) {
  impl_->delimiter = "\r\n--" + boundary_from(content_type);
  impl_->upload_dir = std::move(upload_dir);
  impl_->limits = limits;
  impl_->held = "\r\n";
}

MultipartReader::~MultipartReader() = default;

void MultipartReader::feed(std::string_view bytes) {
  if (impl_->failure) throw *impl_->failure;
  try {
    impl_->consume(bytes);
  } catch (const Error& error) {
    impl_->failure = error;
    impl_->part.reset();  // frees the disk the refused part used, now
    throw;
  }
}

void MultipartReader::finish() {
  if (impl_->failure) throw *impl_->failure;
  switch (impl_->state) {
    case Impl::State::epilogue:
      return;
    case Impl::State::preamble:
      throw malformed("no boundary line in the body");
    case Impl::State::body:
      throw malformed("the body ended inside field '" + impl_->part->info.name + "', before the closing boundary");
    default:
      throw malformed("the body ended before the closing boundary");
  }
}

std::multimap<std::string, std::string> MultipartReader::take_fields() { return std::exchange(impl_->fields, {}); }

std::vector<UploadedFile> MultipartReader::take_files() {
  for (auto& file : impl_->finished_files) file.release();
  impl_->finished_files.clear();
  return std::exchange(impl_->files, {});
}

}  // namespace soundscripter
