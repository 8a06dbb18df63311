// Written by hand: the format is a few lines of rules, and pulling in
// prometheus-cpp (not in Debian 12) for them would cost more than it saves.
#include "api/prometheus_text.hpp"

#include <charconv>
#include <cmath>

namespace soundscripter {
namespace {

bool is_letter_or_underscore(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

std::string escape(std::string_view text, bool quotes) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (c == '\\') out += "\\\\";
    else if (c == '\n') out += "\\n";
    else if (c == '"' && quotes) out += "\\\"";
    else out += c;
  }
  return out;
}

}  // namespace

std::string escape_help_text(std::string_view text) { return escape(text, false); }
std::string escape_label_value(std::string_view text) { return escape(text, true); }

std::string format_sample_value(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  // Counts and byte totals read best as plain integers; 2^53 is where
  // doubles stop holding every integer.
  if (value == std::trunc(value) && std::fabs(value) < 9007199254740992.0) {
    return std::to_string(static_cast<long long>(value));
  }
  char text[32];
  const auto result = std::to_chars(text, text + sizeof text, value);
  return std::string(text, result.ptr);
}

void append_sample(std::string& out, std::string_view name, const std::vector<std::string>& label_names,
                   const std::vector<std::string>& label_values, double value) {
  out += name;
  if (!label_names.empty()) {
    out += '{';
    for (std::size_t i = 0; i < label_names.size(); ++i) {
      if (i > 0) out += ',';
      out += label_names[i];
      out += "=\"";
      out += escape_label_value(label_values[i]);
      out += '"';
    }
    out += '}';
  }
  out += ' ';
  out += format_sample_value(value);
  out += '\n';
}

bool is_valid_metric_name(std::string_view name) {
  if (name.empty() || !(is_letter_or_underscore(name[0]) || name[0] == ':')) return false;
  for (char c : name) {
    if (!is_letter_or_underscore(c) && !is_digit(c) && c != ':') return false;
  }
  return true;
}

bool is_valid_label_name(std::string_view name) {
  if (name.empty() || !is_letter_or_underscore(name[0]) || name.starts_with("__")) return false;
  for (char c : name) {
    if (!is_letter_or_underscore(c) && !is_digit(c)) return false;
  }
  return true;
}

}  // namespace soundscripter
