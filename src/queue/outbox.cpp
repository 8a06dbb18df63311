#include "queue/outbox.hpp"

#include <spdlog/spdlog.h>

#include "util/error.hpp"

namespace soundscripter {

bool publish_job(Queue& queue, JobStore& store, const Job& job) {
  try {
    queue.push(ticket_for(job));
  } catch (const Error& error) {
    spdlog::warn("job {}: not queued yet, kept in the outbox: {}", job.id, error.what());
    return false;
  }
  store.mark_published(job.id);
  return true;
}

OutboxDrainer::OutboxDrainer(JobStore& store, Queue& queue, std::chrono::milliseconds period,
                             std::chrono::milliseconds min_age)
    : store_(store), queue_(queue), min_age_(min_age) {
  // Not at once: jobs that are due now are still being published by their uploads.
  task_ = std::make_unique<PeriodicTask>("outbox drain", period, [this] { drain(); },
                                         PeriodicTask::FirstRun::after_one_period);
}

std::size_t OutboxDrainer::drain() {
  constexpr int kBatch = 100;
  const double before = unix_now() - std::chrono::duration<double>(min_age_).count();
  std::size_t published = 0;
  for (;;) {
    const std::vector<Job> waiting = store_.unpublished(before, kBatch);
    for (const Job& job : waiting) {
      if (!publish_job(queue_, store_, job)) {
        return published;  // the broker is still away: next round
      }
      ++published;
    }
    if (waiting.size() < static_cast<std::size_t>(kBatch)) break;
  }
  if (published > 0) spdlog::info("outbox: queued {} jobs that were waiting for the broker", published);
  return published;
}

}  // namespace soundscripter
