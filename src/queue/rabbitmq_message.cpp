// Reading job messages: properties and the ticket in the body.
#include "queue/rabbitmq_message.hpp"

#include <nlohmann/json.hpp>

#include "util/error.hpp"

namespace soundscripter::rabbitmq {

MessageProperties read_properties(const amqp_basic_properties_t& properties) {
  MessageProperties read;
  if (properties._flags & AMQP_BASIC_PRIORITY_FLAG) read.priority = properties.priority;
  if (properties._flags & AMQP_BASIC_HEADERS_FLAG) {
    for (int i = 0; i < properties.headers.num_entries; ++i) {
      const amqp_table_entry_t& entry = properties.headers.entries[i];
      if (as_view(entry.key) == kRedeliveredHeader && entry.value.kind == AMQP_FIELD_KIND_BOOLEAN) {
        read.marked_redelivered = entry.value.value.boolean != 0;
      }
    }
  }
  return read;
}

JobTicket ticket_from_body(std::string_view body) {
  nlohmann::json json;
  try {
    json = nlohmann::json::parse(body);
  } catch (const nlohmann::json::exception& error) {
    throw Error(ErrorCode::invalid_argument, std::string("job ticket: not JSON: ") + error.what());
  }
  return ticket_from_json(json);
}

}  // namespace soundscripter::rabbitmq
