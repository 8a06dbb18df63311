// Publishing with confirms over one lazily (re)opened connection; see
// rabbitmq_publisher.hpp for why it is shaped this way.
#include "queue/rabbitmq_publisher.hpp"

#include <spdlog/spdlog.h>

#include "util/error.hpp"

namespace soundscripter::rabbitmq {

Publisher::Publisher(Endpoint endpoint, QueueNames names, std::chrono::milliseconds timeout)
    : endpoint_(std::move(endpoint)), names_(std::move(names)), timeout_(timeout) {}

Connection& Publisher::connection() {
  if (connection_ && !connection_->still_open()) {
    spdlog::info("rabbitmq {}: the publishing connection was closed; opening a new one", endpoint_.display);
    connection_.reset();
  }
  if (!connection_) {
    auto fresh = std::make_unique<Connection>(
        endpoint_, ConnectionSettings{std::chrono::seconds(0), timeout_, "soundscripter publisher to " + names_.jobs});
    declare_topology(*fresh, names_);
    fresh->select_confirms();
    connection_ = std::move(fresh);
  }
  return *connection_;
}

template <typename Use>
auto Publisher::with_connection(Use&& use) {
  std::lock_guard lock(mutex_);
  try {
    Connection& open = connection();
    amqp_maybe_release_buffers(open.state());
    return use(open);
  } catch (...) {
    // A failed call leaves rabbitmq-c's state unknown (a confirm may still
    // arrive for the publish that timed out): never reuse it.
    connection_.reset();
    throw;
  }
}

void Publisher::publish_job(std::string_view body, int priority) {
  OutgoingMessage message;
  message.body = body;
  message.priority = priority;
  message.mandatory = true;
  const auto confirmed = [&](Connection& open) {
    return open.wait_for_confirm(open.publish(names_.jobs, message), timeout_);
  };
  if (with_connection(confirmed)) return;
  // Returned: the queue is gone (deleted since this connection declared it).
  // Nothing was enqueued, so declaring it again on a new connection and
  // publishing once more cannot make a duplicate.
  spdlog::warn("rabbitmq {}: queue {} was gone; declaring it again", endpoint_.display, names_.jobs);
  {
    std::lock_guard lock(mutex_);
    connection_.reset();
  }
  if (!with_connection(confirmed)) {
    std::lock_guard lock(mutex_);
    connection_.reset();
    throw Error(ErrorCode::backend_unavailable, "rabbitmq " + endpoint_.display + ": publishing to " + names_.jobs +
                                                    ": the broker returned the message: no queue took it");
  }
}

std::int64_t Publisher::ready(const std::string& queue) {
  return with_connection([&](Connection& open) { return ready_messages(open, queue); });
}

bool Publisher::reachable() {
  try {
    // A round trip, not just an open socket: the broker has to answer.
    return with_connection([&](Connection& open) { return ready_messages(open, names_.jobs) >= 0; });
  } catch (const std::exception& error) {
    spdlog::debug("{}", error.what());
    return false;
  }
}

}  // namespace soundscripter::rabbitmq
