// The service's Prometheus metrics, declared in one place so names and
// labels stay consistent between the API, the workers and /metrics.
#pragma once

#include "api/metrics.hpp"

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
};

}  // namespace soundscripter
