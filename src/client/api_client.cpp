#include "client/api_client.hpp"

namespace soundscripter {
namespace {

constexpr long kConnectTimeoutSeconds = 10;
// A connection that carries nothing for a minute is as good as dead (event
// streams get a heartbeat every 15 s).
constexpr long kStallSeconds = 60;

ErrorCode code_for_status(long status) {
  switch (status) {
    case 400: return ErrorCode::invalid_argument;
    case 401:
    case 403: return ErrorCode::unauthorized;
    case 404: return ErrorCode::not_found;
    case 409: return ErrorCode::conflict;
    case 413: return ErrorCode::too_large;
    case 415: return ErrorCode::unsupported_media;
    case 429: return ErrorCode::rate_limited;
    case 507: return ErrorCode::insufficient_storage;
    case 0:
    case 502:
    case 503:
    case 504: return ErrorCode::backend_unavailable;
    default: return ErrorCode::internal;
  }
}

}  // namespace

size_t append_to_string(char* data, size_t size, size_t count, void* user) {
  static_cast<std::string*>(user)->append(data, size * count);
  return size * count;
}

bool ApiResponse::server_away() const {
  return !interrupted && (status == 0 || status == 502 || status == 503 || status == 504);
}

std::string ApiResponse::error_message() const {
  if (status == 0) return transport_error;
  const auto parsed = nlohmann::json::parse(body, nullptr, false);
  if (parsed.is_object() && parsed.contains("error") && parsed["error"].is_object() &&
      parsed["error"].value("message", "") != "") {
    return parsed["error"]["message"].get<std::string>();
  }
  std::string text = body.substr(0, 200);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.pop_back();
  return "HTTP " + std::to_string(status) + (text.empty() ? "" : ": " + text);
}

nlohmann::json ApiResponse::json() const {
  auto parsed = nlohmann::json::parse(body, nullptr, false);
  if (parsed.is_discarded()) {
    throw Error(ErrorCode::internal, "the server's answer is not JSON: " + body.substr(0, 200));
  }
  return parsed;
}

Error ApiResponse::to_error() const { return Error(code_for_status(status), error_message()); }

nlohmann::json ApiClient::json_or_throw(const ApiResponse& response) const {
  if (!response.ok()) {
    throw response.status == 0 ? Error(ErrorCode::backend_unavailable, address_.url + ": " + response.transport_error)
                               : response.to_error();
  }
  return response.json();
}

void ApiClient::prepare(CURL* curl, const std::string& path, CurlHeaders& headers) const {
  if (!address_.api_key.empty()) headers.add("Authorization", "Bearer " + address_.api_key);
  curl_easy_setopt(curl, CURLOPT_URL, url(path).c_str());
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers.get());
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, kConnectTimeoutSeconds);
  curl_easy_setopt(curl, CURLOPT_LOW_SPEED_LIMIT, 1L);
  curl_easy_setopt(curl, CURLOPT_LOW_SPEED_TIME, kStallSeconds);
  // Signals are the command's (Ctrl-C asks what to do); curl must not use them.
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
}

void ApiClient::finish(CURL* curl, CURLcode code, ApiResponse& response) {
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &response.status);
  if (code == CURLE_ABORTED_BY_CALLBACK) response.interrupted = true;
  if (code != CURLE_OK) {
    response.transport_error = curl_easy_strerror(code);
    // A server may answer a refusal before it read the whole upload and
    // close; that answer stands. Any other broken transfer is no answer.
    if (code != CURLE_SEND_ERROR || response.body.empty()) response.status = 0;
  }
}

ApiResponse ApiClient::send(const char* method, const std::string& path) const {
  CurlEasy curl = new_curl_easy();
  CurlHeaders headers;
  const bool post = std::string_view(method) == "POST";
  if (post) headers.remove("Content-Type");  // no body, so no form type either
  prepare(curl.get(), path, headers);
  ApiResponse response;
  if (post) {
    curl_easy_setopt(curl.get(), CURLOPT_POSTFIELDS, "");
    curl_easy_setopt(curl.get(), CURLOPT_POSTFIELDSIZE, 0L);
  } else {
    curl_easy_setopt(curl.get(), CURLOPT_CUSTOMREQUEST, method);
  }
  curl_easy_setopt(curl.get(), CURLOPT_WRITEFUNCTION, &append_to_string);
  curl_easy_setopt(curl.get(), CURLOPT_WRITEDATA, &response.body);
  finish(curl.get(), curl_easy_perform(curl.get()), response);
  return response;
}

}  // namespace soundscripter
