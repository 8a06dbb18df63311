// A pool of idle, expensive-to-make objects (whisper states, PocketSphinx
// decoders): a caller takes one, uses it alone, and gives it back, so
// concurrent calls never share one and none is made twice without need.
#pragma once

#include <mutex>
#include <utility>
#include <vector>

namespace soundscripter {

template <typename Handle>  // a movable owner, e.g. a std::unique_ptr
class IdlePool {
 public:
  // An idle handle, or make() when none is idle (make runs unlocked).
  template <typename Make>
  Handle acquire(Make&& make) {
    {
      std::lock_guard lock(mutex_);
      if (!idle_.empty()) {
        Handle handle = std::move(idle_.back());
        idle_.pop_back();
        return handle;
      }
    }
    return make();
  }

  void release(Handle handle) {
    std::lock_guard lock(mutex_);
    idle_.push_back(std::move(handle));
  }

 private:
  std::mutex mutex_;
  std::vector<Handle> idle_;
};

}  // namespace soundscripter
