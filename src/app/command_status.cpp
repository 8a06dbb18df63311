// How a subcommand ends: its exit status, and its errors as one line each.
#include <cstdio>

#include "app/commands.hpp"
#include "util/error.hpp"

namespace soundscripter {
namespace {
int g_exit_status = 0;
}

int command_exit_status() { return g_exit_status; }
void set_command_exit_status(int status) { g_exit_status = status; }

void run_reporting_errors(const std::function<void()>& body) {
  try {
    body();
  } catch (const Error& error) {
    std::fprintf(stderr, "error: %s\n", error.what());
    // 2 is the usual status for a usage mistake, as CLI11 uses for bad flags.
    set_command_exit_status(error.code() == ErrorCode::invalid_argument ? 2 : 1);
  } catch (const std::exception& error) {
    std::fprintf(stderr, "error: %s\n", error.what());
    set_command_exit_status(1);
  }
}

}  // namespace soundscripter
