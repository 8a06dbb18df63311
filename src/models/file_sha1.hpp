// SHA-1 of a file, the checksum whisper.cpp publishes for its models.
#pragma once

#include <filesystem>
#include <string>

namespace soundscripter {

// Lower-case hex SHA-1 of the file's bytes. Throws Error(not_found) when the
// file cannot be opened and Error(internal) when reading or hashing fails.
std::string sha1_hex_of_file(const std::filesystem::path& path);

}  // namespace soundscripter
