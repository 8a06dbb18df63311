#include "api/service_metrics.hpp"

#include "worker/worker_heartbeat.hpp"

namespace soundscripter {

ServiceMetrics::ServiceMetrics()
    : http_requests(registry.counter("soundscripter_http_requests_total",
                                     "HTTP requests by route, method and status",
                                     {"route", "method", "status"})),
      http_seconds(registry.histogram("soundscripter_http_request_seconds",
                                      "Time to answer an HTTP request (streams: until the handler returns)",
                                      exponential_buckets(0.001, 4, 8), {"route"})),
      upload_bytes(registry.counter("soundscripter_upload_bytes_total", "Bytes of media uploaded")),
      jobs_submitted(registry.counter("soundscripter_jobs_submitted_total", "Jobs accepted")),
      jobs_finished(registry.counter("soundscripter_jobs_finished_total",
                                     "Jobs that ended, by final state", {"state"})),
      job_seconds(registry.histogram("soundscripter_job_seconds",
                                     "Wall time of a job from start to finish",
                                     exponential_buckets(0.5, 2, 12))),
      engine_seconds(registry.histogram("soundscripter_engine_seconds",
                                        "Time the engine spent on a job", exponential_buckets(0.5, 2, 12),
                                        {"engine"})),
      real_time_factor(registry.histogram("soundscripter_real_time_factor",
                                          "Processing time divided by audio duration (lower is faster)",
                                          {0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5}, {"engine"})) {}

void ServiceMetrics::record_job(const JobRunReport& report) {
  // A chunk's run is part of its job's, which is counted when it was split.
  if (!report.chunk) jobs_finished.with({std::string(to_string(report.outcome))}).inc();
  job_seconds.with({}).observe(report.wall_seconds);
  if (!report.engine.empty() && report.audio_seconds > 0) {
    engine_seconds.with({report.engine}).observe(report.wall_seconds);
    real_time_factor.with({report.engine}).observe(report.wall_seconds / report.audio_seconds);
  }
}

namespace {

// A gauge of one unlabelled value; a value that cannot be read right now
// (a server away) leaves the gauge out rather than failing /metrics.
void single_gauge(MetricsRegistry& registry, const std::string& name, const std::string& help,
                  std::function<double()> read) {
  registry.computed_gauge(name, help, {}, [read = std::move(read)] {
    try {
      const double value = read();
      if (value < 0) return MetricsRegistry::ComputedSamples{};
      return MetricsRegistry::ComputedSamples{{{}, value}};
    } catch (const std::exception&) {
      return MetricsRegistry::ComputedSamples{};
    }
  });
}

}  // namespace

void add_service_gauges(ServiceMetrics& metrics, JobStore& store, Queue& queue,
                        std::function<double()> open_streams, std::function<double()> busy_workers,
                        std::function<double()> dead_letters) {
  metrics.registry.computed_gauge("soundscripter_jobs", "Jobs by state", {"state"}, [&store] {
    MetricsRegistry::ComputedSamples samples;
    try {
      for (const auto& [state, count] : store.count_by_state()) {
        samples.push_back({{std::string(to_string(state))}, static_cast<double>(count)});
      }
    } catch (const std::exception&) {
    }
    return samples;
  });
  single_gauge(metrics.registry, "soundscripter_queue_depth", "Jobs waiting for a worker",
               [&queue] { return static_cast<double>(queue.depth()); });
  metrics.registry.computed_gauge(
      "soundscripter_jobs_queued_by_priority", "Queued jobs by priority (0 lowest, 9 highest)",
      {"priority"}, [&store] {
        MetricsRegistry::ComputedSamples samples;
        try {
          for (const auto& [priority, count] : store.count_queued_by_priority()) {
            samples.push_back({{std::to_string(priority)}, static_cast<double>(count)});
          }
        } catch (const std::exception&) {
        }
        return samples;
      });
  single_gauge(metrics.registry, "soundscripter_job_reruns",
               "Runs beyond the first, of jobs and chunks of jobs: retries and redeliveries after a lost worker",
               [&store] { return static_cast<double>(store.reruns()); });
  single_gauge(metrics.registry, "soundscripter_workers_live",
               "Worker processes (or embedded pools) whose heartbeat is fresh", [&store] {
                 const double since =
                     unix_now() - std::chrono::duration<double>(kWorkerGoneAfter).count();
                 return static_cast<double>(store.live_workers(since).size());
               });
  single_gauge(metrics.registry, "soundscripter_dead_letters",
               "Jobs in the broker's dead-letter queue", std::move(dead_letters));
  single_gauge(metrics.registry, "soundscripter_sse_clients", "Open event streams", std::move(open_streams));
  single_gauge(metrics.registry, "soundscripter_workers_busy", "Worker slots in this process running a job",
               std::move(busy_workers));
}

}  // namespace soundscripter
