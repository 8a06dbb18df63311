// Digests of a file: SHA-1, the checksum whisper.cpp publishes for its
// models, and SHA-256, the one quoted for the Parakeet files.
#pragma once

#include <filesystem>
#include <string>

namespace soundscripter {

// Lower-case hex SHA-1 of the file's bytes. Throws Error(not_found) when the
// file cannot be opened and Error(internal) when reading or hashing fails.
std::string sha1_hex_of_file(const std::filesystem::path& path);
// The same for SHA-256.
std::string sha256_hex_of_file(const std::filesystem::path& path);

}  // namespace soundscripter
