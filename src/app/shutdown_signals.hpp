// SIGINT and SIGTERM are blocked in every thread and taken by sigwait in
// the main thread, so shutdown runs as ordinary code instead of in a signal
// handler. Block them before starting any thread: threads inherit the mask.
#pragma once

#include <signal.h>

namespace soundscripter {

class ShutdownSignals {
 public:
  ShutdownSignals();           // blocks SIGINT and SIGTERM in this thread
  bool arrived();              // one came already (does not wait)
  int wait();                  // the signal's number, once one comes

 private:
  sigset_t set_;
  int received_ = 0;
};

}  // namespace soundscripter
