// What every fuzz target shares: viewing libFuzzer's bytes, failing loudly
// when a property breaks, and a private scratch directory for parsers that
// read or write files.
//
// soundscripter::Error is how the parsers refuse bad input, so targets catch
// it and nothing else: any other exception escapes LLVMFuzzerTestOneInput,
// std::terminate aborts, and libFuzzer saves the input as a crash.
#pragma once

#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <span>
#include <string_view>

// A broken property is a finding like a crash: print it and abort, so
// libFuzzer keeps the input.
#define FUZZ_CHECK(condition)                                                             \
  do {                                                                                    \
    if (!(condition)) {                                                                   \
      std::fprintf(stderr, "%s:%d: property broken: %s\n", __FILE__, __LINE__, #condition); \
      std::abort();                                                                       \
    }                                                                                     \
  } while (false)

namespace soundscripter::fuzz {

inline std::string_view as_text(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

inline std::span<const std::byte> as_bytes(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const std::byte*>(data), size};
}

// A directory of this process's own for targets that write a file for
// every input: under $SOUNDSCRIPTER_FUZZ_SCRATCH (scripts/fuzz makes one in
// /dev/shm and removes it afterwards, whichever way the run ends), else
// under /dev/shm or the temporary directory. Removed at a normal exit too.
inline const std::filesystem::path& scratch_dir() {
  namespace fs = std::filesystem;
  // Never destroyed, so the atexit handler below still finds it.
  static const fs::path* const dir = [] {
    const char* chosen = std::getenv("SOUNDSCRIPTER_FUZZ_SCRATCH");
    fs::path base = chosen && *chosen ? fs::path(chosen)
                    : fs::is_directory("/dev/shm") ? fs::path("/dev/shm")
                                                   : fs::temp_directory_path();
    auto* made = new fs::path(base / ("soundscripter-fuzz-" + std::to_string(::getpid())));
    fs::create_directories(*made);
    std::atexit([] {
      std::error_code ignored;
      fs::remove_all(scratch_dir(), ignored);
    });
    return made;
  }();
  return *dir;
}

}  // namespace soundscripter::fuzz
