// Params and the field readers (see postgres_params.hpp).
#include "jobs/postgres_params.hpp"

#include <charconv>
#include <cstring>

#include "util/error.hpp"

namespace soundscripter::postgres {
namespace {

// from_chars rather than pqxx's stream conversion: exact, and no locale.
template <typename Number>
Number parse_number(const pqxx::field& field) {
  const char* begin = field.c_str();
  const char* end = begin + std::strlen(begin);
  Number value{};
  auto [stop, error] = std::from_chars(begin, end, value);
  if (error != std::errc{} || stop != end) {
    throw Error(ErrorCode::internal, "column " + std::string(field.name()) + " holds '" +
                                         std::string(begin) + "', not a number");
  }
  return value;
}

}  // namespace

std::string Params::add(std::optional<std::string> value) {
  values_.push_back(std::move(value));
  // Appended rather than "$" + ...: GCC 12 warns falsely (-Wrestrict) on that.
  std::string placeholder = "$";
  placeholder += std::to_string(values_.size());
  return placeholder;
}

std::string Params::text(std::string_view value) { return add(std::string(value)); }

std::string Params::integer(std::int64_t value) { return add(std::to_string(value)); }

std::string Params::real(double value) {
  char buffer[64];
  auto [end, error] = std::to_chars(buffer, buffer + sizeof buffer, value);
  (void)error;  // 64 bytes hold any double
  return add(std::string(buffer, end));
}

std::string Params::optional_real(const std::optional<double>& value) {
  return value ? real(*value) : add(std::nullopt);
}

pqxx::result Params::exec(pqxx::transaction_base& transaction, const std::string& sql) const {
  // libpqxx takes a null pointer as SQL NULL.
  std::vector<const char*> pointers;
  pointers.reserve(values_.size());
  for (const auto& value : values_) pointers.push_back(value ? value->c_str() : nullptr);
  return transaction.exec_params(sql, pqxx::prepare::make_dynamic_params(pointers));
}

double real_field(const pqxx::field& field) { return parse_number<double>(field); }

std::optional<double> optional_real_field(const pqxx::field& field) {
  if (field.is_null()) return std::nullopt;
  return real_field(field);
}

std::int64_t integer_field(const pqxx::field& field) { return parse_number<std::int64_t>(field); }

}  // namespace soundscripter::postgres
