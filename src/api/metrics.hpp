// A small thread-safe Prometheus registry for GET /metrics: counters,
// gauges and histograms with labels, gauges computed when scraped (queue
// depth, jobs by state), rendered in the text exposition format 0.0.4.
//
//   MetricsRegistry metrics;
//   auto& requests = metrics.counter("soundscripter_http_requests_total",
//                                    "HTTP requests by route and status", {"route", "status"});
//   requests.with({"jobs.create", "202"}).inc();
//
// A family is declared once with its label names; with() finds or makes
// the child for one set of label values and returns a reference that stays
// valid for the registry's life, so hot paths keep it and skip the lookup.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace soundscripter {

inline constexpr std::string_view prometheus_content_type = "text/plain; version=0.0.4; charset=utf-8";

class Counter {
 public:
  // Counters only go up: a negative amount is ignored.
  void inc(double amount = 1);
  double value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0};
};

class Gauge {
 public:
  void set(double value) { value_.store(value, std::memory_order_relaxed); }
  void add(double amount) { value_.fetch_add(amount, std::memory_order_relaxed); }
  void inc() { add(1); }
  void dec() { add(-1); }
  double value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0};
};

class Histogram {
 public:
  // upper_bounds: strictly increasing, finite; +Inf is implied.
  explicit Histogram(std::vector<double> upper_bounds);
  void observe(double value);

  struct Snapshot {
    std::vector<double> upper_bounds;
    std::vector<std::uint64_t> cumulative_counts;  // one per bound, then +Inf
    double sum = 0;
    std::uint64_t count = 0;
  };
  Snapshot snapshot() const;

 private:
  const std::vector<double> upper_bounds_;
  mutable std::mutex mutex_;
  std::vector<std::uint64_t> bucket_counts_;  // not cumulative; the last is +Inf
  double sum_ = 0;
};

// Label values, in the order of the family's label names.
using LabelValues = std::vector<std::string>;

namespace metrics_detail {

// What the registry needs of every family to render it.
class Family {
 public:
  Family(std::string name, std::string help, std::string type, std::vector<std::string> label_names);
  virtual ~Family() = default;
  virtual void render_samples(std::string& out) const = 0;

  const std::string& name() const { return name_; }
  const std::string& help() const { return help_; }
  const std::string& type() const { return type_; }  // "counter", "gauge", "histogram"
  const std::vector<std::string>& label_names() const { return label_names_; }

 private:
  std::string name_;
  std::string help_;
  std::string type_;
  std::vector<std::string> label_names_;
};

}  // namespace metrics_detail

template <typename Metric>
class MetricFamily final : public metrics_detail::Family {
 public:
  MetricFamily(std::string name, std::string help, std::string type, std::vector<std::string> label_names,
               std::function<std::unique_ptr<Metric>()> make);

  // The child for these label values (as many as the family has label
  // names; none for a family without labels). Throws Error(invalid_argument)
  // for the wrong number of values.
  Metric& with(const LabelValues& label_values);

  void render_samples(std::string& out) const override;

 private:
  std::function<std::unique_ptr<Metric>()> make_;
  mutable std::mutex mutex_;
  std::map<LabelValues, std::unique_ptr<Metric>> children_;  // sorted, so output is stable
};

class MetricsRegistry {
 public:
  MetricsRegistry();
  ~MetricsRegistry();
  MetricsRegistry(const MetricsRegistry&) = delete;
  MetricsRegistry& operator=(const MetricsRegistry&) = delete;

  // Declaring a family again with the same type and labels returns the
  // existing one; anything else, or a name or label name Prometheus does
  // not allow, throws Error(invalid_argument).
  MetricFamily<Counter>& counter(const std::string& name, const std::string& help,
                                 std::vector<std::string> label_names = {});
  MetricFamily<Gauge>& gauge(const std::string& name, const std::string& help,
                             std::vector<std::string> label_names = {});
  MetricFamily<Histogram>& histogram(const std::string& name, const std::string& help,
                                     std::vector<double> upper_bounds, std::vector<std::string> label_names = {});

  // A gauge whose samples compute() returns at each render (called without
  // any registry lock held; if it throws, the family is left out of that
  // render instead of failing the scrape).
  using ComputedSamples = std::vector<std::pair<LabelValues, double>>;
  void computed_gauge(const std::string& name, const std::string& help, std::vector<std::string> label_names,
                      std::function<ComputedSamples()> compute);

  // Every family with at least one sample, in the order declared.
  std::string render() const;

 private:
  template <typename Metric>
  MetricFamily<Metric>& declare(const std::string& name, const std::string& help, const std::string& type,
                                std::vector<std::string> label_names, std::function<std::unique_ptr<Metric>()> make);

  mutable std::mutex mutex_;
  std::vector<std::unique_ptr<metrics_detail::Family>> families_;
};

// Bounds start, start*factor, ... (count of them), for durations and sizes.
std::vector<double> exponential_buckets(double start, double factor, std::size_t count);

}  // namespace soundscripter
