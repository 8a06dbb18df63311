// Ctrl-C in the commands that wait on a server. The first one only sets a
// flag: the transfer under way ends within a second and the command asks
// what to do with the job on the server. A second one (or the first while
// that question is asked) exits at once with status 130, leaving the
// server's jobs as they are.
#pragma once

#include <string>

namespace soundscripter {

inline constexpr int kInterruptedExitStatus = 130;  // 128 + SIGINT, as shells report it

// Installs the SIGINT handler.
void catch_client_interrupt();

// Whether Ctrl-C was pressed since catch_client_interrupt().
bool client_interrupted();

// Asks "cancel job ID on the server? [y/N]" on the terminal; true for a
// yes. false without asking when stdin is not a terminal.
bool ask_to_cancel_job(const std::string& job_id);

}  // namespace soundscripter
