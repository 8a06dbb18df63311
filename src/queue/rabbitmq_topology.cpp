// Queue declarations with their arguments (see rabbitmq_topology.hpp).
#include "queue/rabbitmq_topology.hpp"

#include <amqp.h>

#include <vector>

namespace soundscripter::rabbitmq {
namespace {

amqp_table_entry_t text_argument(const char* key, const std::string& value) {
  amqp_table_entry_t entry{};
  entry.key = amqp_cstring_bytes(key);
  entry.value.kind = AMQP_FIELD_KIND_UTF8;
  entry.value.value.bytes = amqp_cstring_bytes(value.c_str());
  return entry;
}

amqp_table_entry_t number_argument(const char* key, int value) {
  amqp_table_entry_t entry{};
  entry.key = amqp_cstring_bytes(key);
  entry.value.kind = AMQP_FIELD_KIND_I32;
  entry.value.value.i32 = value;
  return entry;
}

void declare(Connection& connection, const std::string& queue, std::vector<amqp_table_entry_t> arguments) {
  const amqp_table_t table{static_cast<int>(arguments.size()), arguments.data()};
  amqp_queue_declare(connection.state(), Connection::kChannel, amqp_cstring_bytes(queue.c_str()),
                     /*passive=*/0, /*durable=*/1, /*exclusive=*/0, /*auto_delete=*/0, table);
  connection.check_last_rpc("declaring queue " + queue);
}

}  // namespace

void declare_topology(Connection& connection, const QueueNames& names) {
  // The default exchange ("") routes by queue name, so a dead-letter
  // routing key is all it takes to send a message to another queue.
  const std::string default_exchange;
  declare(connection, names.jobs,
          {number_argument("x-max-priority", 9), text_argument("x-dead-letter-exchange", default_exchange),
           text_argument("x-dead-letter-routing-key", names.dead)});
  declare(connection, names.retry,
          {text_argument("x-dead-letter-exchange", default_exchange),
           text_argument("x-dead-letter-routing-key", names.jobs)});
  declare(connection, names.dead, {});
}

std::int64_t ready_messages(Connection& connection, const std::string& queue) {
  const amqp_queue_declare_ok_t* ok =
      amqp_queue_declare(connection.state(), Connection::kChannel, amqp_cstring_bytes(queue.c_str()),
                         /*passive=*/1, 0, 0, 0, amqp_empty_table);
  connection.check_last_rpc("counting the messages in " + queue);
  return ok->message_count;
}

}  // namespace soundscripter::rabbitmq
