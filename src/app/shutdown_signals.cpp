#include "app/shutdown_signals.hpp"

#include <pthread.h>

#include <ctime>

namespace soundscripter {

ShutdownSignals::ShutdownSignals() {
  sigemptyset(&set_);
  sigaddset(&set_, SIGINT);
  sigaddset(&set_, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set_, nullptr);
}

bool ShutdownSignals::arrived() {
  if (received_ != 0) return true;
  const timespec no_wait{0, 0};
  const int signal_number = sigtimedwait(&set_, nullptr, &no_wait);
  if (signal_number > 0) received_ = signal_number;
  return received_ != 0;
}

int ShutdownSignals::wait() {
  if (received_ != 0) return received_;
  int signal_number = 0;
  sigwait(&set_, &signal_number);
  received_ = signal_number;
  return received_;
}

}  // namespace soundscripter
