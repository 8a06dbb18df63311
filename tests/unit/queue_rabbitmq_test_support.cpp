#include "queue_rabbitmq_test_support.hpp"

#include "queue/rabbitmq_topology.hpp"
#include "support/test_servers.hpp"

namespace soundscripter::test {

using namespace std::chrono_literals;

std::string rabbitmq_test_url() { return test_server_url("rabbitmq"); }

RabbitQueueOptions rabbitmq_options(const std::string& queue_name, const std::string& url) {
  RabbitQueueOptions options;
  options.url = url;
  options.name = queue_name;
  return options;
}

RabbitTestClient::RabbitTestClient(const std::string& url)
    : connection_(rabbitmq::parse_endpoint(url), rabbitmq::ConnectionSettings{.heartbeat = 0s, .timeout = 5000ms}) {
  connection_.select_confirms();
}

void RabbitTestClient::declare(const std::string& name) {
  rabbitmq::declare_topology(connection_, rabbitmq::QueueNames(name));
}

void RabbitTestClient::publish_raw(const std::string& queue, std::string_view body) {
  rabbitmq::OutgoingMessage message;
  message.body = body;
  connection_.wait_for_confirm(connection_.publish(queue, message), 5000ms);
}

std::int64_t RabbitTestClient::ready(const std::string& queue) {
  return rabbitmq::ready_messages(connection_, queue);
}

void RabbitTestClient::delete_queues(const std::string& name) {
  const rabbitmq::QueueNames names(name);
  for (const std::string& queue : {names.jobs, names.retry, names.dead}) {
    // Deleting a queue that does not exist is fine in RabbitMQ 3.x.
    amqp_queue_delete(connection_.state(), rabbitmq::Connection::kChannel, amqp_cstring_bytes(queue.c_str()),
                      /*if_unused=*/0, /*if_empty=*/0);
    connection_.check_last_rpc("deleting queue " + queue);
  }
}

void delete_test_queues(const std::string& name, const std::string& url) {
  try {
    RabbitTestClient(url).delete_queues(name);
  } catch (const std::exception&) {
  }
}

}  // namespace soundscripter::test
