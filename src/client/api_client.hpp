// One request to the SoundScripter HTTP API at a time, with libcurl: the
// answer's status and body, or curl's words for why there was none. Callers
// decide what is worth retrying (ApiResponse::server_away) and read the
// server's own reason for a refusal (ApiResponse::error_message).
#pragma once

#include <curl/curl.h>

#include <string>

#include <nlohmann/json.hpp>

#include "client/curl_handles.hpp"
#include "client/server_address.hpp"
#include "util/error.hpp"

namespace soundscripter {

struct ApiResponse {
  long status = 0;              // 0 when no HTTP answer came
  std::string body;
  std::string transport_error;  // curl's message when status is 0
  bool interrupted = false;     // the caller's stop check ended the transfer

  bool ok() const { return status >= 200 && status < 300; }
  // No answer, or a proxy's or a starting server's 502/503/504: the server
  // may come back, so the request is worth trying again later.
  bool server_away() const;
  // The server's {"error":{"message"}}, else its body, else curl's words.
  std::string error_message() const;
  // The body as JSON; Error(internal) when it is not.
  nlohmann::json json() const;
  // Error(code matching the status, error_message()).
  Error to_error() const;
};

class ApiClient {
 public:
  explicit ApiClient(ServerAddress address) : address_(std::move(address)) {}

  const ServerAddress& address() const { return address_; }
  std::string url(const std::string& path) const { return address_.url + path; }

  ApiResponse get(const std::string& path) const { return send("GET", path); }
  ApiResponse post(const std::string& path) const { return send("POST", path); }
  ApiResponse del(const std::string& path) const { return send("DELETE", path); }

  // The body of a 2xx answer as JSON; Error (the server's reason) otherwise.
  nlohmann::json json_or_throw(const ApiResponse& response) const;

  // Sets the URL, the API key, timeouts and a body sink on a new handle, so
  // an upload or an event stream starts from the same setup. headers must
  // outlive the transfer.
  void prepare(CURL* curl, const std::string& path, CurlHeaders& headers) const;
  // Performs a prepared transfer, filling status and transport_error.
  static void finish(CURL* curl, CURLcode code, ApiResponse& response);

 private:
  ApiResponse send(const char* method, const std::string& path) const;

  ServerAddress address_;
};

// Appends curl's data to the std::string at user; for CURLOPT_WRITEFUNCTION.
size_t append_to_string(char* data, size_t size, size_t count, void* user);

}  // namespace soundscripter
