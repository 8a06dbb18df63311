// The process's limit on open files (file descriptors).
#pragma once

#include <cstdint>

namespace soundscripter {

// Raises the soft limit to the hard one (the usual soft limit, 1024, is
// far below what a server's connections need, and the hard limit is often
// a million) and returns the soft limit now in force; 0 when it cannot be
// read.
std::uint64_t raise_open_files_limit();

}  // namespace soundscripter
