// The Prometheus registry: exact exposition text for a small registry,
// label escaping, histogram buckets, computed gauges, declaration rules.
#include <gtest/gtest.h>

#include <cmath>
#include <thread>

#include "api/metrics.hpp"
#include "api/prometheus_text.hpp"
#include "util/error.hpp"

namespace soundscripter {
namespace {

TEST(metrics_registry, RendersTheExactTextFormat) {
  MetricsRegistry metrics;
  auto& requests = metrics.counter("soundscripter_http_requests_total", "HTTP requests.\nBy route and status.",
                                   {"route", "status"});
  requests.with({"jobs.list", "200"}).inc();
  requests.with({"jobs.create", "202"}).inc(2);
  requests.with({"jobs.create", "202"}).inc(-5);  // ignored: counters only go up
  metrics.gauge("soundscripter_sse_clients", "Open event streams").with({}).set(3);
  auto& durations = metrics.histogram("soundscripter_job_duration_seconds", "Job wall time", {0.5, 1, 2.5});
  durations.with({}).observe(0.5);
  durations.with({}).observe(2);
  durations.with({}).observe(10);
  metrics.computed_gauge("soundscripter_jobs", "Jobs by state", {"state"}, [] {
    return MetricsRegistry::ComputedSamples{{{"queued"}, 4}, {{"completed"}, 7}};
  });
  metrics.counter("soundscripter_unused_total", "Never incremented", {"route"});  // no samples: left out

  EXPECT_EQ(metrics.render(),
            "# HELP soundscripter_http_requests_total HTTP requests.\\nBy route and status.\n"
            "# TYPE soundscripter_http_requests_total counter\n"
            "soundscripter_http_requests_total{route=\"jobs.create\",status=\"202\"} 2\n"
            "soundscripter_http_requests_total{route=\"jobs.list\",status=\"200\"} 1\n"
            "# HELP soundscripter_sse_clients Open event streams\n"
            "# TYPE soundscripter_sse_clients gauge\n"
            "soundscripter_sse_clients 3\n"
            "# HELP soundscripter_job_duration_seconds Job wall time\n"
            "# TYPE soundscripter_job_duration_seconds histogram\n"
            "soundscripter_job_duration_seconds_bucket{le=\"0.5\"} 1\n"
            "soundscripter_job_duration_seconds_bucket{le=\"1\"} 1\n"
            "soundscripter_job_duration_seconds_bucket{le=\"2.5\"} 2\n"
            "soundscripter_job_duration_seconds_bucket{le=\"+Inf\"} 3\n"
            "soundscripter_job_duration_seconds_sum 12.5\n"
            "soundscripter_job_duration_seconds_count 3\n"
            "# HELP soundscripter_jobs Jobs by state\n"
            "# TYPE soundscripter_jobs gauge\n"
            "soundscripter_jobs{state=\"completed\"} 7\n"
            "soundscripter_jobs{state=\"queued\"} 4\n");
}

TEST(metrics_registry, UnlabelledFamiliesStartAtZero) {
  MetricsRegistry metrics;
  metrics.counter("uploads_bytes_total", "Bytes received");
  metrics.histogram("rtf", "Real-time factor", {1}, {"engine"});
  EXPECT_EQ(metrics.render(),
            "# HELP uploads_bytes_total Bytes received\n"
            "# TYPE uploads_bytes_total counter\n"
            "uploads_bytes_total 0\n");
}

TEST(metrics_registry, LabelValuesAreEscaped) {
  MetricsRegistry metrics;
  metrics.gauge("g", "help with \\ backslash", {"path"}).with({"a\"b\\c\nd"}).set(0.25);
  EXPECT_EQ(metrics.render(),
            "# HELP g help with \\\\ backslash\n"
            "# TYPE g gauge\n"
            "g{path=\"a\\\"b\\\\c\\nd\"} 0.25\n");
}

TEST(metrics_registry, SampleValuesUsePrometheusSpelling) {
  EXPECT_EQ(format_sample_value(3), "3");
  EXPECT_EQ(format_sample_value(-2), "-2");
  EXPECT_EQ(format_sample_value(0.1), "0.1");
  EXPECT_EQ(format_sample_value(1e300), "1e+300");
  EXPECT_EQ(format_sample_value(INFINITY), "+Inf");
  EXPECT_EQ(format_sample_value(-INFINITY), "-Inf");
  EXPECT_EQ(format_sample_value(NAN), "NaN");
}

TEST(metrics_registry, DeclaringAgainReturnsTheSameFamilyOrRefuses) {
  MetricsRegistry metrics;
  auto& first = metrics.counter("c_total", "c", {"a"});
  EXPECT_EQ(&metrics.counter("c_total", "c", {"a"}), &first);
  EXPECT_THROW(metrics.counter("c_total", "c", {"b"}), Error);
  EXPECT_THROW(metrics.gauge("c_total", "c", {"a"}), Error);
  EXPECT_THROW(metrics.computed_gauge("c_total", "c", {}, [] { return MetricsRegistry::ComputedSamples{}; }), Error);
  EXPECT_THROW(metrics.counter("bad-name", "x"), Error);
  EXPECT_THROW(metrics.counter("x", "x", {"__reserved"}), Error);
  EXPECT_THROW(metrics.histogram("h", "x", {1}, {"le"}), Error);
  EXPECT_THROW(metrics.histogram("h", "x", {2, 1}), Error);
  EXPECT_THROW(first.with({"1", "2"}), Error);
}

TEST(metrics_registry, AComputedGaugeThatThrowsIsLeftOut) {
  MetricsRegistry metrics;
  metrics.computed_gauge("queue_depth", "Jobs waiting", {}, []() -> MetricsRegistry::ComputedSamples {
    throw Error(ErrorCode::backend_unavailable, "store down");
  });
  metrics.gauge("up", "Up").with({}).set(1);
  EXPECT_EQ(metrics.render(), "# HELP up Up\n# TYPE up gauge\nup 1\n");
}

TEST(metrics_registry, CountsFromManyThreadsAddUp) {
  MetricsRegistry metrics;
  auto& counter = metrics.counter("n_total", "n", {"t"});
  auto& histogram = metrics.histogram("h", "h", exponential_buckets(1, 2, 4));
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 10000; ++i) {
        counter.with({"x"}).inc();
        histogram.with({}).observe(3);
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(counter.with({"x"}).value(), 40000);
  const auto snapshot = histogram.with({}).snapshot();
  EXPECT_EQ(snapshot.upper_bounds, (std::vector<double>{1, 2, 4, 8}));
  EXPECT_EQ(snapshot.cumulative_counts, (std::vector<std::uint64_t>{0, 0, 40000, 40000, 40000}));
  EXPECT_EQ(snapshot.sum, 120000);
}

}  // namespace
}  // namespace soundscripter
