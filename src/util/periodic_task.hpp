// Runs a function now (or after one period) and then every `period` on its
// own thread, or sooner when asked (run_soon), until the object is destroyed (which wakes and joins the thread at once). An
// exception from the function is logged and the next round goes on: the
// background chores (retention, outbox, heartbeats) must outlive a server
// that is briefly away.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include <spdlog/spdlog.h>

namespace soundscripter {

class PeriodicTask {
 public:
  enum class FirstRun { now, after_one_period };

  PeriodicTask(std::string name, std::chrono::milliseconds period, std::function<void()> task,
               FirstRun first_run = FirstRun::now)
      : name_(std::move(name)) {
    thread_ = std::jthread([this, period, first_run, task = std::move(task)](std::stop_token stop) {
      if (first_run == FirstRun::after_one_period) wait(stop, period);
      while (!stop.stop_requested()) {
        try {
          task();
        } catch (const std::exception& error) {
          spdlog::warn("{} failed: {}", name_, error.what());
        }
        wait(stop, period);
      }
    });
  }
  ~PeriodicTask() {
    thread_.request_stop();
    if (thread_.joinable()) thread_.join();
  }
  PeriodicTask(const PeriodicTask&) = delete;
  PeriodicTask& operator=(const PeriodicTask&) = delete;

  // Runs the function on its thread as soon as it is free, without waiting
  // for the rest of the period; never blocks the caller.
  void run_soon() {
    {
      std::lock_guard lock(mutex_);
      run_soon_ = true;
    }
    wake_.notify_one();
  }

 private:
  void wait(std::stop_token stop, std::chrono::milliseconds period) {
    std::unique_lock lock(mutex_);
    wake_.wait_for(lock, stop, period, [this] { return run_soon_; });
    run_soon_ = false;
  }

  std::string name_;
  std::mutex mutex_;
  std::condition_variable_any wake_;
  bool run_soon_ = false;
  std::jthread thread_;
};

}  // namespace soundscripter
