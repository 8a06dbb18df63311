// A first-in first-out buffer of samples between the resampler and read().
//
// One decoded frame resamples to more or fewer samples than the caller asked
// for; the rest waits here. The decoder fills it only when it is empty, so it
// never holds more than one frame's worth (a few thousand samples) however
// long the file is. Storage is one vector whose consumed front is reclaimed
// when the buffer empties or the front outgrows the rest, so steady streaming
// allocates nothing.
#pragma once

#include <algorithm>
#include <cstddef>
#include <vector>

namespace soundscripter {

class SampleFifo {
 public:
  std::size_t size() const { return buffer_.size() - head_; }
  bool empty() const { return size() == 0; }
  // Samples in storage, counting the handed-out front not yet reclaimed:
  // what the memory bound is about.
  std::size_t stored() const { return buffer_.size(); }

  // Room for `count` more samples at the back; write them, then commit().
  float* prepare(std::size_t count) {
    reclaim_front();
    buffer_.resize(buffer_.size() + count);
    pending_ = count;
    return buffer_.data() + buffer_.size() - count;
  }

  // Keeps the first `written` of the samples last prepared.
  void commit(std::size_t written) {
    buffer_.resize(buffer_.size() - pending_ + std::min(written, pending_));
    pending_ = 0;
  }

  // Moves up to max_samples from the front to the end of out; returns how many.
  std::size_t pop_into(std::vector<float>& out, std::size_t max_samples) {
    std::size_t count = std::min(max_samples, size());
    auto first = buffer_.begin() + static_cast<std::ptrdiff_t>(head_);
    out.insert(out.end(), first, first + static_cast<std::ptrdiff_t>(count));
    head_ += count;
    if (head_ == buffer_.size()) clear();
    return count;
  }

  void clear() {
    buffer_.clear();
    head_ = 0;
    pending_ = 0;
  }

 private:
  void reclaim_front() {
    if (head_ > 0 && head_ >= size()) {
      buffer_.erase(buffer_.begin(), buffer_.begin() + static_cast<std::ptrdiff_t>(head_));
      head_ = 0;
    }
  }

  std::vector<float> buffer_;
  std::size_t head_ = 0;     // samples before this were handed out
  std::size_t pending_ = 0;  // prepared but not yet committed
};

}  // namespace soundscripter
