#include "app/client_interrupt.hpp"

#include <unistd.h>

#include <atomic>
#include <csignal>
#include <cstdio>
#include <iostream>

namespace soundscripter {
namespace {

// Lock-free atomics are safe to touch in a signal handler.
std::atomic<int> g_interrupts{0};
std::atomic<bool> g_asking{false};
static_assert(std::atomic<int>::is_always_lock_free && std::atomic<bool>::is_always_lock_free);

extern "C" void on_client_interrupt(int) {
  if (++g_interrupts >= 2 || g_asking) {
    // Only async-signal-safe calls here.
    static const char kNote[] = "\n";
    [[maybe_unused]] auto written = write(STDERR_FILENO, kNote, sizeof kNote - 1);
    _exit(kInterruptedExitStatus);
  }
}

}  // namespace

void catch_client_interrupt() {
  struct sigaction action {};
  action.sa_handler = on_client_interrupt;
  sigemptyset(&action.sa_mask);
  // Restarted, so a write to the terminal is never cut short by Ctrl-C;
  // curl's waits (poll) return early anyway and check client_interrupted().
  action.sa_flags = SA_RESTART;
  sigaction(SIGINT, &action, nullptr);
}

bool client_interrupted() { return g_interrupts > 0; }

bool ask_to_cancel_job(const std::string& job_id) {
  if (isatty(STDIN_FILENO) != 1) return false;
  std::fprintf(stderr, "\ncancel job %s on the server? [y/N] ", job_id.c_str());
  std::fflush(stderr);
  g_asking = true;
  std::string answer;
  std::getline(std::cin, answer);
  g_asking = false;
  return answer == "y" || answer == "Y" || answer == "yes" || answer == "Yes";
}

}  // namespace soundscripter
