// The HTTP/1.1 server: Boost.Beast on Asio, asynchronous, one session per
// connection on its own strand (the shape of Beast's advanced server).
//
// It knows sockets and limits; everything else is the Dispatcher's. Idle
// Server-Sent Events connections cost one socket and a small queue each, so
// thousands can stay open.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

#include "api/dispatcher.hpp"

namespace soundscripter {

struct HttpServerOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 8000;              // 0 picks a free port
  int io_threads = 2;
  // Handlers (store reads, media probes, formatting, an SSE replay) run on
  // these, never on the I/O threads: a slow database must not stall every
  // connection.
  int handler_threads = 4;
  std::filesystem::path upload_dir;       // multipart file parts land here
  std::size_t max_header_bytes = 16 * 1024;  // request line and fields; more is 431 (414 for the line alone)
  // A request's header must arrive whole within this, counted from the
  // connection's start or, on a kept-alive connection, from its first byte:
  // a client that trickles a header cannot hold a connection for long.
  std::chrono::seconds header_timeout{10};
  // Each 64 KiB of a request body, and each write of a response, must move
  // within this (so a body must keep up about 2 KiB/s at the default).
  std::chrono::seconds transfer_timeout{30};
  std::chrono::seconds keepalive_timeout{30};  // an idle connection between requests is closed
  // Open connections, in all and per client address (0: no cap). Over
  // either, a new connection gets 503 and is closed.
  std::size_t max_connections = 4096;
  std::size_t max_connections_per_client = 256;
  std::size_t max_stream_queue_bytes = 1 << 20;  // a slower stream client is dropped
  // HTTPS only, with this PEM certificate chain and key, when set.
  std::filesystem::path tls_cert;
  std::filesystem::path tls_key;
};

class HttpServer {
 public:
  HttpServer(HttpServerOptions options, const Dispatcher& dispatcher);
  ~HttpServer();

  // Binds and starts the I/O threads. Throws Error(backend_unavailable)
  // naming the address when it cannot listen.
  void start();
  std::uint16_t port() const;

  // Graceful stop: no new connections, streams are finished, requests in
  // flight get up to `grace` to complete; then the I/O threads end.
  void stop(std::chrono::milliseconds grace);

  // Live streaming (SSE and deferred) connections.
  std::size_t open_streams() const;
  // Open connections of every kind (refused ones are not counted).
  std::size_t open_connections() const;
  // Streams remembered to be finished at shutdown: each leaves when it ends,
  // so this falls back with open_streams() (memory does not grow with the
  // number of streams ever served).
  std::size_t listed_streams() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace soundscripter
