// Counters and gauges are lone atomics, so the request path never takes a
// lock to count; a histogram takes its own small mutex so that a scrape
// sees its buckets, sum and count from the same moment. The registry lock
// guards only the list of families: render() copies that list and then
// renders without it, so a slow computed gauge (a database query) delays
// the scrape alone, never a request or a worker.
#include "api/metrics.hpp"

#include <algorithm>
#include <cmath>

#include "api/prometheus_text.hpp"
#include "util/error.hpp"

namespace soundscripter {
namespace {

// A gauge family whose samples come from a callback at render time.
class ComputedGauge final : public metrics_detail::Family {
 public:
  ComputedGauge(std::string name, std::string help, std::vector<std::string> label_names,
                std::function<MetricsRegistry::ComputedSamples()> compute)
      : Family(std::move(name), std::move(help), "gauge", std::move(label_names)), compute_(std::move(compute)) {}

  void render_samples(std::string& out) const override {
    MetricsRegistry::ComputedSamples samples;
    try {
      samples = compute_();
    } catch (const std::exception&) {
      return;  // a scrape without this family beats a failed scrape
    }
    std::sort(samples.begin(), samples.end());
    for (const auto& [labels, value] : samples) {
      if (labels.size() == label_names().size()) append_sample(out, name(), label_names(), labels, value);
    }
  }

 private:
  std::function<MetricsRegistry::ComputedSamples()> compute_;
};

void render_child(std::string& out, const metrics_detail::Family& family, const LabelValues& labels,
                  const Counter& counter) {
  append_sample(out, family.name(), family.label_names(), labels, counter.value());
}

void render_child(std::string& out, const metrics_detail::Family& family, const LabelValues& labels,
                  const Gauge& gauge) {
  append_sample(out, family.name(), family.label_names(), labels, gauge.value());
}

void render_child(std::string& out, const metrics_detail::Family& family, const LabelValues& labels,
                  const Histogram& histogram) {
  const Histogram::Snapshot snapshot = histogram.snapshot();
  std::vector<std::string> bucket_label_names = family.label_names();
  bucket_label_names.push_back("le");
  std::vector<std::string> bucket_labels = labels;
  bucket_labels.emplace_back();
  for (std::size_t i = 0; i < snapshot.cumulative_counts.size(); ++i) {
    bucket_labels.back() = i < snapshot.upper_bounds.size() ? format_sample_value(snapshot.upper_bounds[i]) : "+Inf";
    append_sample(out, family.name() + "_bucket", bucket_label_names, bucket_labels,
                  static_cast<double>(snapshot.cumulative_counts[i]));
  }
  append_sample(out, family.name() + "_sum", family.label_names(), labels, snapshot.sum);
  append_sample(out, family.name() + "_count", family.label_names(), labels, static_cast<double>(snapshot.count));
}

void check_names(const std::string& name, const std::vector<std::string>& label_names, bool is_histogram) {
  if (!is_valid_metric_name(name)) throw Error(ErrorCode::invalid_argument, "'" + name + "' is not a metric name");
  for (const auto& label : label_names) {
    if (!is_valid_label_name(label) || (is_histogram && label == "le")) {
      throw Error(ErrorCode::invalid_argument, "metric " + name + ": '" + label + "' is not a label name");
    }
  }
}

}  // namespace

void Counter::inc(double amount) {
  if (amount > 0) value_.fetch_add(amount, std::memory_order_relaxed);
}

Histogram::Histogram(std::vector<double> upper_bounds)
    : upper_bounds_(std::move(upper_bounds)), bucket_counts_(upper_bounds_.size() + 1, 0) {
  for (std::size_t i = 0; i < upper_bounds_.size(); ++i) {
    if (!std::isfinite(upper_bounds_[i]) || (i > 0 && upper_bounds_[i] <= upper_bounds_[i - 1])) {
      throw Error(ErrorCode::invalid_argument, "histogram bounds must be finite and strictly increasing");
    }
  }
}

void Histogram::observe(double value) {
  if (std::isnan(value)) return;  // it would make the sum NaN for good
  // Buckets are "less than or equal": a value on a bound counts in it.
  const auto bucket = std::lower_bound(upper_bounds_.begin(), upper_bounds_.end(), value) - upper_bounds_.begin();
  std::lock_guard lock(mutex_);
  ++bucket_counts_[static_cast<std::size_t>(bucket)];
  sum_ += value;
}

Histogram::Snapshot Histogram::snapshot() const {
  Snapshot snapshot;
  snapshot.upper_bounds = upper_bounds_;
  std::lock_guard lock(mutex_);
  std::uint64_t running = 0;
  for (std::uint64_t count : bucket_counts_) {
    running += count;
    snapshot.cumulative_counts.push_back(running);
  }
  snapshot.count = running;
  snapshot.sum = sum_;
  return snapshot;
}

metrics_detail::Family::Family(std::string name, std::string help, std::string type,
                               std::vector<std::string> label_names)
    : name_(std::move(name)), help_(std::move(help)), type_(std::move(type)), label_names_(std::move(label_names)) {}

template <typename Metric>
MetricFamily<Metric>::MetricFamily(std::string name, std::string help, std::string type,
                                   std::vector<std::string> label_names, std::function<std::unique_ptr<Metric>()> make)
    : Family(std::move(name), std::move(help), std::move(type), std::move(label_names)), make_(std::move(make)) {
  // A family without labels has its one sample from the start, so it is
  // exported as 0 before anything happens (a scrape can tell "none yet"
  // from "not running").
  if (Family::label_names().empty()) children_.emplace(LabelValues{}, make_());
}

template <typename Metric>
Metric& MetricFamily<Metric>::with(const LabelValues& label_values) {
  if (label_values.size() != label_names().size()) {
    throw Error(ErrorCode::invalid_argument, "metric " + name() + " has " + std::to_string(label_names().size()) +
                                                 " labels, not " + std::to_string(label_values.size()));
  }
  std::lock_guard lock(mutex_);
  auto& child = children_[label_values];
  if (!child) child = make_();
  return *child;
}

template <typename Metric>
void MetricFamily<Metric>::render_samples(std::string& out) const {
  std::lock_guard lock(mutex_);
  for (const auto& [labels, child] : children_) render_child(out, *this, labels, *child);
}

template class MetricFamily<Counter>;
template class MetricFamily<Gauge>;
template class MetricFamily<Histogram>;

MetricsRegistry::MetricsRegistry() = default;
MetricsRegistry::~MetricsRegistry() = default;

template <typename Metric>
MetricFamily<Metric>& MetricsRegistry::declare(const std::string& name, const std::string& help,
                                               const std::string& type, std::vector<std::string> label_names,
                                               std::function<std::unique_ptr<Metric>()> make) {
  check_names(name, label_names, type == "histogram");
  std::lock_guard lock(mutex_);
  for (const auto& family : families_) {
    if (family->name() != name) continue;
    auto* same = dynamic_cast<MetricFamily<Metric>*>(family.get());
    if (!same || family->label_names() != label_names) {
      throw Error(ErrorCode::invalid_argument,
                  "metric " + name + " is already declared as another " + family->type() + " family");
    }
    return *same;
  }
  auto family = std::make_unique<MetricFamily<Metric>>(name, help, type, std::move(label_names), std::move(make));
  MetricFamily<Metric>& result = *family;
  families_.push_back(std::move(family));
  return result;
}

MetricFamily<Counter>& MetricsRegistry::counter(const std::string& name, const std::string& help,
                                                std::vector<std::string> label_names) {
  return declare<Counter>(name, help, "counter", std::move(label_names), [] { return std::make_unique<Counter>(); });
}

MetricFamily<Gauge>& MetricsRegistry::gauge(const std::string& name, const std::string& help,
                                            std::vector<std::string> label_names) {
  return declare<Gauge>(name, help, "gauge", std::move(label_names), [] { return std::make_unique<Gauge>(); });
}

MetricFamily<Histogram>& MetricsRegistry::histogram(const std::string& name, const std::string& help,
                                                    std::vector<double> upper_bounds,
                                                    std::vector<std::string> label_names) {
  Histogram check_bounds(upper_bounds);  // throws for bad bounds before anything is declared
  return declare<Histogram>(name, help, "histogram", std::move(label_names),
                            [upper_bounds] { return std::make_unique<Histogram>(upper_bounds); });
}

void MetricsRegistry::computed_gauge(const std::string& name, const std::string& help,
                                     std::vector<std::string> label_names, std::function<ComputedSamples()> compute) {
  check_names(name, label_names, false);
  std::lock_guard lock(mutex_);
  for (const auto& family : families_) {
    if (family->name() == name) throw Error(ErrorCode::invalid_argument, "metric " + name + " is already declared");
  }
  families_.push_back(std::make_unique<ComputedGauge>(name, help, std::move(label_names), std::move(compute)));
}

std::string MetricsRegistry::render() const {
  std::vector<const metrics_detail::Family*> families;
  {
    std::lock_guard lock(mutex_);
    for (const auto& family : families_) families.push_back(family.get());
  }
  std::string out;
  for (const auto* family : families) {
    std::string samples;
    family->render_samples(samples);
    if (samples.empty()) continue;
    out += "# HELP " + family->name() + " " + escape_help_text(family->help()) + "\n";
    out += "# TYPE " + family->name() + " " + family->type() + "\n";
    out += samples;
  }
  return out;
}

std::vector<double> exponential_buckets(double start, double factor, std::size_t count) {
  std::vector<double> bounds;
  for (double bound = start; bounds.size() < count; bound *= factor) bounds.push_back(bound);
  return bounds;
}

}  // namespace soundscripter
