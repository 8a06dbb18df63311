#pragma once

namespace soundscripter {

// Parses the command line and runs one subcommand; returns the exit status.
int app_main(int argc, char** argv);

}  // namespace soundscripter
