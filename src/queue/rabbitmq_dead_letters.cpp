// Dead letters on RabbitMQ (for `soundscripter jobs requeue-dead`): count
// NAME.dead, and move its job tickets back to NAME.
#include <spdlog/spdlog.h>

#include "queue/rabbitmq_connection.hpp"
#include "queue/rabbitmq_queue.hpp"
#include "queue/rabbitmq_topology.hpp"

namespace soundscripter {
namespace {

using namespace std::chrono_literals;

constexpr auto kTimeout = 3000ms;

}  // namespace

std::int64_t rabbitmq_dead_letter_count(const RabbitQueueOptions& options) {
  const rabbitmq::QueueNames names(options.name);
  rabbitmq::Connection connection(rabbitmq::parse_endpoint(options.url), {.timeout = kTimeout});
  rabbitmq::declare_topology(connection, names);
  return rabbitmq::ready_messages(connection, names.dead);
}

std::int64_t rabbitmq_requeue_dead_letters(const RabbitQueueOptions& options,
                                           const std::function<void(const JobTicket&)>& before_requeue) {
  using rabbitmq::Connection;
  const rabbitmq::QueueNames names(options.name);
  Connection connection(rabbitmq::parse_endpoint(options.url), {.timeout = kTimeout});
  rabbitmq::declare_topology(connection, names);
  connection.select_confirms();
  amqp_connection_state_t state = connection.state();

  // Each dead letter is taken once. A ticket is published to NAME, confirmed,
  // then acked; anything else is left unacked, so it goes back to NAME.dead
  // when this connection closes and the loop, bounded by the count at the
  // start, never takes it twice.
  const std::int64_t dead = rabbitmq::ready_messages(connection, names.dead);
  std::int64_t moved = 0;
  for (std::int64_t i = 0; i < dead; ++i) {
    amqp_maybe_release_buffers(state);
    const amqp_rpc_reply_t reply =
        amqp_basic_get(state, Connection::kChannel, amqp_cstring_bytes(names.dead.c_str()), /*no_ack=*/0);
    connection.check(reply, "taking a message from " + names.dead);
    if (reply.reply.id == AMQP_BASIC_GET_EMPTY_METHOD) break;
    const std::uint64_t tag = static_cast<const amqp_basic_get_ok_t*>(reply.reply.decoded)->delivery_tag;
    amqp_message_t message;
    connection.check(amqp_read_message(state, Connection::kChannel, &message, 0),
                     "reading a message from " + names.dead);
    const std::string body(rabbitmq::as_view(message.body));
    const rabbitmq::MessageProperties properties = rabbitmq::read_properties(message.properties);
    amqp_destroy_message(&message);
    std::string requeued_body = body;
    try {
      JobTicket ticket = rabbitmq::ticket_from_body(body);
      if (ticket.chunk) {
        // A chunk failed its job: the whole job goes back, and runs again
        // from the chunks that were done.
        ticket.chunk.reset();
        requeued_body = ticket_to_json(ticket).dump();
      }
      if (before_requeue) before_requeue(ticket);
    } catch (const std::exception& error) {
      spdlog::warn("rabbitmq {}: a message stays in {}: {}", connection.endpoint().display, names.dead,
                   error.what());
      continue;
    }
    // Marked redelivered: a worker may have started this job before.
    rabbitmq::OutgoingMessage requeued;
    requeued.body = requeued_body;
    requeued.priority = properties.priority;
    requeued.marked_redelivered = true;
    requeued.mandatory = true;  // never ack a dead letter that no queue took
    if (!connection.wait_for_confirm(connection.publish(names.jobs, requeued), kTimeout)) {
      connection.fail("moving a dead letter to " + names.jobs, "the broker returned it: no queue took it");
    }
    connection.check_status(amqp_basic_ack(state, Connection::kChannel, tag, 0),
                            "acking a message moved from " + names.dead);
    ++moved;
  }
  return moved;
}

}  // namespace soundscripter
