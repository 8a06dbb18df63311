// A small blocking HTTP client on libcurl for the service tests: requests
// go over a real TCP connection to a real `soundscripter serve`, the way a
// user's client would send them.
//
// Every call makes its own connection (no pooling), so tests can run
// several at once from different threads. A failed transfer does not throw:
// the reply carries curl's error and whatever status arrived before it, so
// a test can check "413 before the upload was sent" as well as "200".
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace soundscripter::test {

using Headers = std::vector<std::pair<std::string, std::string>>;

struct HttpReply {
  long status = 0;         // 0 when no response arrived
  Headers headers;         // names as the server sent them
  std::string body;
  std::string error;       // curl's message when the transfer failed, else ""
  double seconds = 0;      // from the request to the end of the response
  std::uint64_t uploaded = 0;  // request body bytes curl sent before it ended

  // The first header of that name (case-insensitive), if any.
  std::optional<std::string> header(const std::string& name) const;
  // The body parsed as JSON; a test failure (and null) when it is not JSON.
  nlohmann::json json() const;
  // "status body" (with curl's error), for assertion messages.
  std::string describe() const;
};

// One part of a multipart/form-data body: a text field, a file sent from
// disk with its name (the path's file name unless `filename` is set), or
// `generated_bytes` of filler made up while it is sent (for uploads larger
// than a test should write to disk).
struct FormPart {
  std::string name;
  std::string value;
  std::filesystem::path file;
  std::string filename;
  std::string content_type;
  std::uint64_t generated_bytes = 0;

  static FormPart field(std::string name, std::string value) { return {std::move(name), std::move(value), {}, {}, {}}; }
  static FormPart upload(std::string name, std::filesystem::path file, std::string filename = {}) {
    return {std::move(name), {}, std::move(file), std::move(filename), {}};
  }
  static FormPart generated(std::string name, std::uint64_t bytes, std::string filename) {
    return {std::move(name), {}, {}, std::move(filename), {}, bytes};
  }
};

class HttpClient {
 public:
  // base_url: "http://127.0.0.1:PORT" (paths are appended to it).
  explicit HttpClient(std::string base_url, Headers default_headers = {});

  const std::string& base_url() const { return base_url_; }
  const Headers& default_headers() const { return default_headers_; }
  // Sent with every request, e.g. {"Authorization", "Bearer KEY"}.
  void set_default_header(const std::string& name, const std::string& value);
  // For https:// servers: the certificate (PEM) to trust, such as a test's
  // self-signed one; unset, the system's CAs.
  void trust(std::filesystem::path ca_file) { ca_file_ = std::move(ca_file); }

  HttpReply get(const std::string& path, const Headers& headers = {}) const;
  HttpReply del(const std::string& path, const Headers& headers = {}) const;
  HttpReply post(const std::string& path, const std::string& body = {}, const std::string& content_type = {},
                 const Headers& headers = {}) const;
  // Any method, e.g. "PUT" for a 405.
  HttpReply request(const std::string& method, const std::string& path, const Headers& headers = {},
                    const std::string& body = {}) const;
  // multipart/form-data, streamed from disk. chunked: send it with
  // Transfer-Encoding: chunked (no Content-Length), so the server only
  // learns the size as the bytes arrive.
  HttpReply post_form(const std::string& path, const std::vector<FormPart>& parts, const Headers& headers = {},
                      bool chunked = false) const;

 private:
  std::string base_url_;
  Headers default_headers_;
  std::filesystem::path ca_file_;
};

}  // namespace soundscripter::test
