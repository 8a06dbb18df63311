// Statement parameters for PostgreSQL, numbered as the SQL is written.
//
// Each value is added at the point where the SQL needs it and gives back
// its placeholder ("$3"), so values never enter the SQL text, the numbers
// always match, and a statement built from parts (filters, a list of
// states) has no unused numbers, which PostgreSQL refuses. Values travel
// as text and the server types them from where they are used, so doubles
// are written exactly (shortest round-trip form), not as the stream
// default of six digits.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <pqxx/pqxx>

namespace soundscripter::postgres {

class Params {
 public:
  // Each adds one value and returns its placeholder.
  std::string text(std::string_view value);
  std::string integer(std::int64_t value);
  std::string real(double value);
  std::string optional_real(const std::optional<double>& value);  // NULL when empty

  // Runs `sql` in `transaction` with these values.
  pqxx::result exec(pqxx::transaction_base& transaction, const std::string& sql) const;

 private:
  std::string add(std::optional<std::string> value);

  std::vector<std::optional<std::string>> values_;
};

// A row's column as a double, exactly as PostgreSQL wrote it.
double real_field(const pqxx::field& field);
// NULL as nullopt.
std::optional<double> optional_real_field(const pqxx::field& field);
std::int64_t integer_field(const pqxx::field& field);

}  // namespace soundscripter::postgres
