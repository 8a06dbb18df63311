// The service's Prometheus metrics, declared in one place so names and
// labels stay consistent between the API, the workers and /metrics.
#pragma once

#include <functional>

#include "api/metrics.hpp"
#include "jobs/job_store.hpp"
#include "queue/queue.hpp"
#include "worker/job_runner.hpp"

namespace soundscripter {

struct ServiceMetrics {
  ServiceMetrics();

  MetricsRegistry registry;
  MetricFamily<Counter>& http_requests;       // route, method, status
  MetricFamily<Histogram>& http_seconds;      // route
  MetricFamily<Counter>& upload_bytes;        // (no labels)
  MetricFamily<Counter>& jobs_submitted;      // (no labels)
  MetricFamily<Counter>& jobs_finished;       // state
  MetricFamily<Histogram>& job_seconds;       // wall time from start to finish
  MetricFamily<Histogram>& engine_seconds;    // engine
  MetricFamily<Histogram>& real_time_factor;  // engine: processing time / audio time

  // A job that a worker slot in this process ran.
  void record_job(const JobRunReport& report);
};

// The gauges read when /metrics is asked: jobs by state, queue depth, live
// workers (any process), dead letters on the broker, open SSE streams and
// this process's busy worker slots.
void add_service_gauges(ServiceMetrics& metrics, JobStore& store, Queue& queue,
                        std::function<double()> open_streams, std::function<double()> busy_workers,
                        std::function<double()> dead_letters);

}  // namespace soundscripter
