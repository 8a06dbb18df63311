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
    : writer_(std::move(writer)), store_(store), options_(std::move(options)) {}

namespace {

bool is_terminal_state_event(const JobEvent& event) {
  if (event.type != "state") return false;
  auto state = event.data.value("state", std::string());
  return state == "completed" || state == "failed" || state == "cancelled";
}

}  // namespace

bool SseFeed::send(const JobEvent& event) {
  if (!writer_->write(sse_frame(event, options_.replay.job.empty()))) {
    return false;  // the client is gone or too slow; on_close lets go of the bus
  }
  if (options_.close_on_terminal && is_terminal_state_event(event)) {
    writer_->finish();
    return false;
  }
  return true;
}

void SseFeed::start(EventBus& bus) {
  std::weak_ptr<SseFeed> weak = weak_from_this();
  replay_ = std::make_shared<EventReplay>(store_, options_.replay, [weak](const JobEvent& event) {
    auto self = weak.lock();
    return self && self->send(event);
  });
  writer_->start_stream(200, "text/event-stream", {{"X-Accel-Buffering", "no"}});
  writer_->set_heartbeat(std::chrono::seconds(15), ": keep-alive\n\n");
  // The feed lives as long as the connection.
  writer_->on_close([self = shared_from_this()] { self->replay_->stop(); });
  replay_->start(bus);
}

}  // namespace soundscripter
