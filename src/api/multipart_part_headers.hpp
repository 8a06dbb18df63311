// The header block of one multipart/form-data part, reduced to what a form
// handler needs: the field name, the file name if it is a file, its type.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace soundscripter {

struct MultipartPartInfo {
  std::string name;                     // the form field
  std::optional<std::string> filename;  // set for file parts (may be "": no file chosen)
  std::string content_type;             // as sent, "" when absent
};

// headers: the lines between the boundary line and the empty line, CRLF
// separated. part_number (1-based) only names the part in errors. Throws
// Error(invalid_argument) for a malformed line, a missing or non-form-data
// Content-Disposition, or a part without a name. A file name keeps only its
// last path component (old browsers sent "C:\Users\me\talk.mp3").
MultipartPartInfo parse_multipart_part_headers(std::string_view headers, std::size_t part_number);

}  // namespace soundscripter
