// Plain request and response values for the API's handlers.
//
// Handlers turn an HttpRequest into an HttpResponse without touching a
// socket (as Beast's examples do with handle_request), so they can be tested
// with values alone; only http_server.cpp knows Beast. A response that
// cannot be produced at once (a Server-Sent Events stream, or a reply that
// waits for a job) carries a `deferred` function, which the server calls
// with a ResponseWriter bound to the connection.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace soundscripter {

// A file part of a multipart upload, already on disk.
struct UploadedFile {
  std::string field;             // the form field's name ("file")
  std::string filename;          // as the client named it
  std::string content_type;
  std::filesystem::path path;    // a temporary file the handler moves or deletes
  std::uint64_t bytes = 0;
  std::string sha256;            // hex, computed while it streamed in
};

struct HttpRequest {
  std::string method;            // "GET"
  std::string target;            // "/v1/jobs?state=queued"
  std::string path;              // "/v1/jobs"
  std::map<std::string, std::string> query;        // decoded
  std::map<std::string, std::string> path_params;  // {"id": "..."} from the route
  std::map<std::string, std::string> headers;      // names lower-case
  std::string body;              // for buffered bodies
  // For multipart routes: the text fields (repeated names keep every value,
  // in order) and the files.
  std::multimap<std::string, std::string> form;
  std::vector<UploadedFile> files;
  std::string request_id;
  std::string client_address;
  std::string api_key_id;        // who is asking; "" when keys are off

  std::optional<std::string> header(const std::string& lower_name) const;
  std::optional<std::string> query_value(const std::string& name) const;
  std::optional<std::string> form_value(const std::string& name) const;
};

class ResponseWriter;

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  // Send this file (or its byte range) as the body instead of `body`.
  std::optional<std::filesystem::path> file;
  std::uint64_t file_offset = 0;
  std::optional<std::uint64_t> file_length;
  // Set for responses produced later; status and body above are then unused.
  std::function<void(std::shared_ptr<ResponseWriter>)> deferred;
};

// The connection, for a deferred response. Every call is thread-safe and
// returns at once (work is posted to the connection's strand).
class ResponseWriter {
 public:
  virtual ~ResponseWriter() = default;
  // One complete response, later.
  virtual void respond(HttpResponse response) = 0;
  // A streamed response: headers now, then chunks.
  virtual void start_stream(int status, const std::string& content_type,
                            std::vector<std::pair<std::string, std::string>> headers = {}) = 0;
  // Queues a chunk; false once the client is gone or was dropped for being
  // too slow (its queue stayed over the limit), so the producer can stop.
  virtual bool write(std::string chunk) = 0;
  // Ends the stream (and the connection for SSE).
  virtual void finish() = 0;
  virtual bool is_open() const = 0;
  // Called once when the connection closes, from the connection's strand.
  virtual void on_close(std::function<void()> callback) = 0;
  // While streaming, send `chunk` whenever nothing was written for `every`
  // (SSE comments keep proxies and clients from timing out).
  virtual void set_heartbeat(std::chrono::seconds every, std::string chunk) = 0;
};

HttpResponse json_response(int status, const nlohmann::json& body);
// {"error": {"code": code, "message": message}}
HttpResponse error_response(int status, const std::string& code, const std::string& message);

}  // namespace soundscripter
