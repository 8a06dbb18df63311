// The configuration file of `serve` and `worker`: `key = value` lines with
// '#' comments, readable as TOML for simple scalars.
//
//   # /etc/soundscripter/serve.toml
//   port = 8080
//   data_dir = "/var/lib/soundscripter"   # quoted strings are TOML's
//   max_upload_size = 2G                  # bare words are accepted too
//
// This layer only splits the text into keys and raw values; which keys
// exist and what their values mean is the caller's table.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace soundscripter {

struct ConfigFileEntry {
  std::string key;    // dashes turned into underscores: max-upload-size -> max_upload_size
  std::string value;  // quotes removed and escapes decoded
  int line = 0;
};

struct ConfigFileContents {
  std::vector<ConfigFileEntry> entries;
  std::vector<std::string> problems;  // "SOURCE:LINE: why", every one found
};

// Values: "basic strings" with \" \\ \n \t \r escapes, 'literal strings',
// or bare text up to a '#'. A key set twice, a line without '=', [sections]
// and [arrays] are problems (TOML would refuse the first two, and the
// others have no meaning here).
ConfigFileContents parse_config_text(std::string_view text, const std::string& source_name);

// Reads and parses path; a file that cannot be read is one problem.
ConfigFileContents read_config_file(const std::filesystem::path& path);

}  // namespace soundscripter
