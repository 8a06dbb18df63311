#include "api/http_types.hpp"

namespace soundscripter {
namespace {

template <typename Map>
std::optional<std::string> find_value(const Map& map, const std::string& key) {
  auto it = map.find(key);
  if (it == map.end()) return std::nullopt;
  return it->second;
}

}  // namespace

std::optional<std::string> HttpRequest::header(const std::string& lower_name) const {
  return find_value(headers, lower_name);
}
std::optional<std::string> HttpRequest::query_value(const std::string& name) const {
  return find_value(query, name);
}
std::optional<std::string> HttpRequest::form_value(const std::string& name) const {
  return find_value(form, name);
}

HttpResponse json_response(int status, const nlohmann::json& body) {
  HttpResponse response;
  response.status = status;
  response.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return response;
}

HttpResponse error_response(int status, const std::string& code, const std::string& message) {
  return json_response(status, {{"error", {{"code", code}, {"message", message}}}});
}

}  // namespace soundscripter
