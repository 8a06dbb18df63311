#include "api/sse_feed.hpp"

namespace soundscripter {

std::string sse_frame(const JobEvent& event, bool prefix_job_in_id) {
  // The bus hands one event to every subscriber in turn on the publishing
  // thread: with thousands of clients on a job, render it once, not per client.
  struct LastFrame {
    std::string job;
    std::int64_t seq = -1;
    bool prefixed = false;
    std::string frame;
  };
  thread_local LastFrame last;
  if (last.seq == event.seq && last.prefixed == prefix_job_in_id && last.job == event.job) {
    return last.frame;
  }
  std::string id = prefix_job_in_id ? event.job + ":" + std::to_string(event.seq) : std::to_string(event.seq);
  last.frame = "id: " + id + "\nevent: " + event.type + "\ndata: " +
               event.to_json().dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n\n";
  last.job = event.job;
  last.seq = event.seq;
  last.prefixed = prefix_job_in_id;
  return last.frame;
}

SseFeed::SseFeed(std::shared_ptr<ResponseWriter> writer, JobStore& store, Options options)
    : writer_(std::move(writer)), store_(store), options_(std::move(options)) {
  if (!options_.job.empty()) last_seq_[options_.job] = options_.after_seq;
}

bool SseFeed::is_terminal_state(const JobEvent& event) const {
  if (event.type != "state") return false;
  auto state = event.data.value("state", std::string());
  return state == "completed" || state == "failed" || state == "cancelled";
}

void SseFeed::deliver(const JobEvent& event) {
  if (done_) return;
  auto& last = last_seq_[event.job];
  if (event.seq <= last) return;  // replayed already, or a duplicate
  last = event.seq;
  if (!writer_->write(sse_frame(event, options_.job.empty()))) {
    done_ = true;  // the client is gone or too slow; on_close lets go of the bus
    return;
  }
  if (options_.close_on_terminal && is_terminal_state(event)) {
    done_ = true;
    writer_->finish();
  }
}

void SseFeed::start(EventBus& bus) {
  std::weak_ptr<SseFeed> weak = weak_from_this();
  auto subscription = bus.subscribe(options_.job, [weak](const JobEvent& event) {
    auto self = weak.lock();
    if (!self) return;
    if (self->options_.job.empty() && !(self->options_.admit && self->options_.admit(event.job))) {
      return;
    }
    std::lock_guard lock(self->mutex_);
    if (self->replaying_) {
      self->held_.push_back(event);
    } else {
      self->deliver(event);
    }
  });
  writer_->start_stream(200, "text/event-stream", {{"X-Accel-Buffering", "no"}});
  writer_->set_heartbeat(std::chrono::seconds(15), ": keep-alive\n\n");
  // The subscription lives as long as the connection.
  writer_->on_close([self = shared_from_this()] {
    std::unique_ptr<Subscription> released;
    {
      std::lock_guard lock(self->mutex_);
      self->done_ = true;
      released = std::move(self->subscription_);
    }
    // Destroyed unlocked: unsubscribing may wait for a callback that is
    // waiting for our mutex.
  });

  std::vector<JobEvent> missed;
  if (!options_.job.empty()) missed = store_.events_after(options_.job, options_.after_seq);
  std::lock_guard lock(mutex_);
  subscription_ = std::move(subscription);
  for (const auto& event : missed) deliver(event);
  for (const auto& event : held_) deliver(event);
  held_.clear();
  replaying_ = false;
}

}  // namespace soundscripter
