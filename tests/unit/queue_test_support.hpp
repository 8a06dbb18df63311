// Helpers for the queue tests: push a bare ticket, pop with a deadline, and
// wait for a condition with a deadline instead of sleeping blindly.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <stop_token>
#include <string>
#include <thread>

#include "queue/queue.hpp"
#include "support/eventually.hpp"

namespace soundscripter::test {

inline JobTicket ticket_with(const std::string& job_id, int priority) {
  JobTicket ticket;
  ticket.job_id = job_id;
  ticket.priority = priority;
  ticket.media_file = job_id + ".wav";  // a ticket needs a media file to be valid
  return ticket;
}

inline void push(Queue& queue, const std::string& job_id, int priority) {
  queue.push(ticket_with(job_id, priority));
}

// The next delivery, or nothing once `limit` has passed (pop's stop is
// requested then, as a stopping worker's would be).
inline std::unique_ptr<Delivery> pop_within(Queue& queue, std::chrono::milliseconds limit) {
  std::stop_source stop;
  std::jthread timer([&stop, limit](std::stop_token cancelled) {
    std::mutex mutex;
    std::condition_variable_any never;
    std::unique_lock lock(mutex);
    never.wait_for(lock, cancelled, limit, [] { return false; });
    if (!cancelled.stop_requested()) stop.request_stop();
  });
  return queue.pop(stop.get_token());
}

// Pops, acks and returns the job id ("" when nothing came within `limit`).
inline std::string pop_id(Queue& queue, std::chrono::milliseconds limit = std::chrono::seconds(10)) {
  auto delivery = pop_within(queue, limit);
  if (!delivery) return "";
  delivery->ack();
  return delivery->ticket().job_id;
}

// Polls a condition until it holds (10 s by default in these tests).
inline bool eventually(const std::function<bool()>& condition,
                       std::chrono::milliseconds limit = std::chrono::seconds(10)) {
  return test::eventually(condition, limit);
}

}  // namespace soundscripter::test
