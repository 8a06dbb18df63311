#include "jobs/retention_sweeper.hpp"

#include <spdlog/spdlog.h>

#include <filesystem>

namespace soundscripter {

RetentionSweeper::RetentionSweeper(JobStore& store, std::chrono::seconds retention)
    : store_(store), retention_(retention) {
  if (retention_.count() <= 0) return;
  // Often enough that nothing outstays its time by more than a tenth of it
  // (but at most once a minute).
  const auto period = std::clamp<std::chrono::seconds>(retention_ / 10, std::chrono::seconds(1),
                                                       std::chrono::seconds(60));
  task_ = std::make_unique<PeriodicTask>("retention sweep", period, [this] { sweep(); });
}

std::size_t RetentionSweeper::sweep() {
  const double before = unix_now() - static_cast<double>(retention_.count());
  std::size_t removed = 0;
  for (const auto& job : store_.finished_before(before)) {
    std::error_code ignored;
    std::filesystem::remove(job.media_path, ignored);
    store_.remove(job.id);
    ++removed;
  }
  if (removed > 0) spdlog::info("retention: removed {} jobs finished before the limit", removed);
  return removed;
}

}  // namespace soundscripter
