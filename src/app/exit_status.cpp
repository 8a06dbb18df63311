#include "app/commands.hpp"

namespace soundscripter {
namespace {
int g_exit_status = 0;
}

int command_exit_status() { return g_exit_status; }
void set_command_exit_status(int status) { g_exit_status = status; }

}  // namespace soundscripter
