// Parsing is strict on purpose: a limit mistyped as "12Q" or "1,5G" must be
// an error at start-up, not silently become some other number.
#include "util/units.hpp"

#include <array>
#include <charconv>
#include <cmath>

#include "util/error.hpp"
#include "util/strings.hpp"

namespace soundscripter {
namespace {

struct Unit {
  std::string_view suffix;  // as parsed, lower case
  std::uint64_t factor;
  std::string_view printed; // as format_* writes it
};

constexpr std::array<Unit, 5> size_units = {{
    {"", 1, ""}, {"k", 1ull << 10, "K"}, {"m", 1ull << 20, "M"}, {"g", 1ull << 30, "G"}, {"t", 1ull << 40, "T"}}};
constexpr std::array<Unit, 5> duration_units = {{
    {"", 1, ""}, {"s", 1, "s"}, {"m", 60, "m"}, {"h", 3600, "h"}, {"d", 86400, "d"}}};

// Splits "1.5 GiB" into 1.5 and "gib"; false when it does not start with a
// non-negative number.
bool split_number(std::string_view text, double& number, std::string& suffix) {
  text = trim_ascii(text);
  const char* end = text.data() + text.size();
  auto [rest, error] = std::from_chars(text.data(), end, number);
  if (error != std::errc() || rest == text.data() || !std::isfinite(number) || number < 0) return false;
  // from_chars accepts "1e3"; an exponent is fine, a sign was refused above.
  suffix = ascii_lower(trim_ascii(std::string_view(rest, static_cast<std::size_t>(end - rest))));
  return true;
}

template <std::size_t N>
const Unit* find_unit(const std::array<Unit, N>& units, std::string_view suffix) {
  for (const Unit& unit : units) {
    if (unit.suffix == suffix) return &unit;
  }
  return nullptr;
}

template <std::size_t N>
std::string format_exact(std::uint64_t value, const std::array<Unit, N>& units) {
  // The largest unit that divides the value exactly, so printing loses nothing.
  for (std::size_t i = N; i-- > 1;) {
    const Unit& unit = units[i];
    if (value == 0 || value % unit.factor != 0) continue;
    return std::to_string(value / unit.factor) + std::string(unit.printed);
  }
  return std::to_string(value);
}

}  // namespace

std::uint64_t parse_byte_size(std::string_view text) {
  const auto refuse = [&] {
    return Error(ErrorCode::invalid_argument,
                 "'" + std::string(text) + "' is not a size (bytes, or a number with K, M, G or T: 500M)");
  };
  double number = 0;
  std::string suffix;
  if (!split_number(text, number, suffix)) throw refuse();
  // "M", "MB" and "MiB" all mean 2^20 here: binary units are what people mean for limits.
  if (suffix.size() >= 2 && suffix.ends_with("ib")) suffix.resize(suffix.size() - 2);
  else if (suffix.size() >= 2 && suffix.back() == 'b') suffix.pop_back();
  if (suffix == "b") suffix.clear();
  const Unit* unit = find_unit(size_units, suffix);
  if (!unit) throw refuse();
  const double bytes = std::floor(number * static_cast<double>(unit->factor));
  if (bytes >= 18446744073709549568.0) throw refuse();  // the largest double below 2^64
  return static_cast<std::uint64_t>(bytes);
}

std::chrono::seconds parse_duration(std::string_view text) {
  double number = 0;
  std::string suffix;
  const Unit* unit = split_number(text, number, suffix) ? find_unit(duration_units, suffix) : nullptr;
  const double seconds = unit ? std::floor(number * static_cast<double>(unit->factor)) : -1;
  if (!unit || seconds > 1e15) {
    throw Error(ErrorCode::invalid_argument,
                "'" + std::string(text) + "' is not a duration (seconds, or a number with s, m, h or d: 7d)");
  }
  return std::chrono::seconds(static_cast<std::int64_t>(seconds));
}

std::string format_byte_size(std::uint64_t bytes) { return format_exact(bytes, size_units); }

std::string format_duration(std::chrono::seconds duration) {
  const auto count = duration.count();
  if (count < 0) return std::to_string(count) + "s";
  return format_exact(static_cast<std::uint64_t>(count), duration_units);
}

}  // namespace soundscripter
