// url_for_messages: libpq parses the URL (both of its syntaxes, with
// percent-encoding and query parameters such as ?host=), and only the
// fields that say where the database is are kept.
#include "jobs/postgres_url.hpp"

#include <libpq-fe.h>

#include <map>
#include <memory>

#include "util/error.hpp"

namespace soundscripter::postgres {
namespace {

struct ConninfoFree {
  void operator()(PQconninfoOption* options) const { PQconninfoFree(options); }
};

}  // namespace

std::string url_for_messages(const std::string& url) {
  char* parse_error = nullptr;
  std::unique_ptr<PQconninfoOption, ConninfoFree> options(
      PQconninfoParse(url.c_str(), &parse_error));
  if (!options) {
    // libpq's message quotes the part it could not read, which may be the
    // password: say only that it failed.
    PQfreemem(parse_error);
    throw Error(ErrorCode::invalid_argument,
                "job store: not a PostgreSQL URL (postgresql://user:password@host:port/database)");
  }
  std::map<std::string, std::string> given;
  for (const PQconninfoOption* option = options.get(); option->keyword; ++option) {
    if (option->val && *option->val) given[option->keyword] = option->val;
  }
  // libpq's defaults for what the URL leaves out.
  auto value_or = [&](const char* key, std::string fallback) {
    auto found = given.find(key);
    return found == given.end() ? fallback : found->second;
  };
  const std::string host = value_or("host", value_or("hostaddr", "localhost"));
  const std::string port = value_or("port", "5432");
  const std::string database = value_or("dbname", value_or("user", ""));
  return "postgresql://" + host + ":" + port + "/" + database;
}

}  // namespace soundscripter::postgres
