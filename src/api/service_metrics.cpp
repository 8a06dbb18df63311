#include "api/service_metrics.hpp"

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

}  // namespace soundscripter
