// RabbitMQ for the queue tests: options for a test's own queue name on the
// test broker, and a raw AMQP client for what the Queue interface cannot do
// (publish a message that is not a ticket, count a queue, delete queues).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "queue/rabbitmq_connection.hpp"
#include "queue/rabbitmq_queue.hpp"

namespace soundscripter::test {

// The test broker's URL (support/test_servers.hpp: started once per process
// unless SOUNDSCRIPTER_TEST_RABBITMQ_URL names one).
std::string rabbitmq_test_url();

RabbitQueueOptions rabbitmq_options(const std::string& queue_name, const std::string& url = rabbitmq_test_url());

class RabbitTestClient {
 public:
  explicit RabbitTestClient(const std::string& url = rabbitmq_test_url());

  // Declares NAME, NAME.retry and NAME.dead as the queue does.
  void declare(const std::string& name);
  // Publishes `body` as it is, through the default exchange, confirmed.
  void publish_raw(const std::string& queue, std::string_view body);
  std::int64_t ready(const std::string& queue);
  // Deletes NAME, NAME.retry and NAME.dead (those that exist).
  void delete_queues(const std::string& name);

 private:
  rabbitmq::Connection connection_;
};

// Deletes a test's queues, on a connection of its own; never throws (a test
// that failed to reach the broker has nothing to delete).
void delete_test_queues(const std::string& name, const std::string& url = rabbitmq_test_url());

}  // namespace soundscripter::test
