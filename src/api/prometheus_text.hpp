// The pieces of Prometheus' text exposition format 0.0.4: escaping, number
// spelling and one sample line.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace soundscripter {

// HELP text: backslash and line feed escaped.
std::string escape_help_text(std::string_view text);
// Label values: backslash, double quote and line feed escaped.
std::string escape_label_value(std::string_view text);
// "3", "0.25", "1e+300", "+Inf", "-Inf", "NaN": integers without a
// fraction, others in the shortest form that reads back exactly.
std::string format_sample_value(double value);

// Appends `name{a="1",b="2"} value\n`; the braces are left out when there
// are no labels. names and values must have the same length.
void append_sample(std::string& out, std::string_view name, const std::vector<std::string>& label_names,
                   const std::vector<std::string>& label_values, double value);

// Whether a metric name ([a-zA-Z_:][a-zA-Z0-9_:]*) or label name
// ([a-zA-Z_][a-zA-Z0-9_]*, not starting with "__") is valid.
bool is_valid_metric_name(std::string_view name);
bool is_valid_label_name(std::string_view name);

}  // namespace soundscripter
