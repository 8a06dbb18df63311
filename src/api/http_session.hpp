// One HTTP connection (private to http_server.cpp and http_session.cpp).
//
// Steps come in do_X/on_X pairs as in Beast's examples: read the header,
// ask the Dispatcher for a plan, stream the body (to disk for uploads), run
// the handler, write the response, and read the next request. A deferred
// response turns the session into a ResponseWriter: events are posted onto
// its strand and written from a bounded queue, and a client that lets the
// queue overflow is dropped.
#pragma once

#include <atomic>
#include <utility>
#include <chrono>
#include <cstdio>
#include <deque>
#include <array>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <type_traits>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include "api/connection_limits.hpp"
#include "api/dispatcher.hpp"
#include "api/http_server.hpp"
#include "api/multipart_reader.hpp"

namespace soundscripter::http_detail {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

using PlainStream = beast::tcp_stream;
using TlsStream = beast::ssl_stream<beast::tcp_stream>;

// What every session of one server shares.
struct ServerShared {
  ServerShared(HttpServerOptions server_options, const Dispatcher& server_dispatcher)
      : options(std::move(server_options)),
        dispatcher(server_dispatcher),
        handlers(static_cast<std::size_t>(std::max(1, options.handler_threads))),
        limits(options.max_connections, options.max_connections_per_client) {}

  HttpServerOptions options;
  const Dispatcher& dispatcher;
  net::thread_pool handlers;  // where route handlers run
  std::atomic<bool> stopping{false};
  std::atomic<std::size_t> requests_in_flight{0};
  std::atomic<std::size_t> open_streams{0};
  std::atomic<std::uint64_t> next_request{0};
  std::string request_prefix;  // random per process, so ids differ across restarts
  ConnectionLimits limits;
  std::atomic<std::size_t> refusing{0};  // connections being told 503 (over a limit)

  std::unique_ptr<net::ssl::context> tls;  // set when the server speaks TLS only

  std::mutex streams_mutex;
  std::list<std::weak_ptr<ResponseWriter>> streams;  // to finish them at shutdown
};

// Stream: PlainStream or TlsStream (--tls-cert), the only difference
// being the handshake, how the client is watched while a stream is open,
// and the TLS shutdown.
template <class Stream>
class Session : public std::enable_shared_from_this<Session<Stream>>, public ResponseWriter {
 public:
  // slot: this connection's place under the server's limits; empty for a
  // connection that is only told it is over them (refuse_connection).
  Session(tcp::socket socket, std::shared_ptr<ServerShared> shared, ConnectionLimits::Slot slot,
          std::string client_address);
  ~Session() override;
  void run();
  // Answers with `response` without reading a request, then closes.
  void refuse_connection(HttpResponse response);

  // ResponseWriter
  void respond(HttpResponse response) override;
  void start_stream(int status, const std::string& content_type,
                    std::vector<std::pair<std::string, std::string>> headers) override;
  bool write(std::string chunk) override;
  void finish() override;
  bool is_open() const override { return open_; }
  void on_close(std::function<void()> callback) override;
  void set_heartbeat(std::chrono::seconds every, std::string chunk) override;

 private:
  enum class Mode { request, deferred, streaming };
  static constexpr bool kTls = std::is_same_v<Stream, TlsStream>;

  beast::tcp_stream& lowest() { return beast::get_lowest_layer(stream_); }
  void start_then(void (*next)(Session& self));
  void do_read_header();
  void read_header_piece();
  void on_header_piece(beast::error_code ec);
  void on_read_header(beast::error_code ec);
  void reject_malformed(const beast::error_code& ec);
  void begin_body();
  void do_read_body();
  void on_read_body(beast::error_code ec);
  void run_handler();            // on the handler pool, then back on the strand
  void begin_deferred();         // on the strand: the connection is now a stream
  void end_deferred();           // on the strand: it is not any more (counted and listed no more)
  void watch_for_client_leaving();  // while deferred or streaming: EOF or a reset closes at once
  void refuse(HttpResponse response, const std::string& route);
  void send_response(HttpResponse response);
  void send_file(HttpResponse response);
  void send_head(HttpResponse response);
  void do_send_file_piece(std::shared_ptr<std::FILE> file, std::uint64_t left);
  void on_response_written(beast::error_code ec);
  void do_write_stream();
  void arm_heartbeat();
  void do_close();
  void linger_then_close();
  void do_drain(std::size_t budget);
  void end_request();
  HttpRequest request_from_header() const;
  std::string next_request_id() const;
  template <typename Message>
  void add_common_fields(Message& message, const std::vector<std::pair<std::string, std::string>>& headers);

  std::string client_address_;  // the peer's address, "" when unknown
  Stream stream_;
  beast::flat_buffer buffer_;
  std::shared_ptr<ServerShared> shared_;
  ConnectionLimits::Slot slot_;
  bool served_one_ = false;      // a kept-alive connection waits keepalive_timeout for its next request
  bool header_started_ = false;  // a byte of the current header has arrived
  bool refusing_ = false;        // counted in ServerShared::refusing
  std::optional<HttpResponse> refusal_;  // what refuse_connection sends
  std::optional<http::request_parser<http::buffer_body>> parser_;
  // Body and file I/O buffer, allocated by the first request that needs
  // one: an idle or streaming connection then costs no 64 KiB of memory.
  static constexpr std::size_t kChunkBytes = 64 * 1024;
  std::unique_ptr<char[]> chunk_;
  char* chunk_buffer();

  // The request being served.
  HttpRequest request_;
  std::vector<std::pair<std::string, std::string>> plan_headers_;  // Dispatcher::Plan::response_headers
  const Route* route_ = nullptr;
  std::uint64_t file_limit_ = 0;
  std::unique_ptr<MultipartReader> multipart_;
  std::chrono::steady_clock::time_point started_;
  bool keep_alive_ = false;
  bool in_request_ = false;
  bool body_unread_ = false;  // refused before its body was read

  // Deferred and streamed responses.
  Mode mode_ = Mode::request;
  // This session's place in ServerShared::streams while it is a stream.
  std::optional<std::list<std::weak_ptr<ResponseWriter>>::iterator> stream_entry_;
  std::array<char, 256> watch_buffer_{};  // what a client sends on a stream: read and ignored
  std::atomic<bool> open_{true};
  bool header_sent_ = false;
  bool writing_ = false;
  bool finishing_ = false;
  std::deque<std::string> queue_;
  std::size_t queued_bytes_ = 0;
  std::vector<std::function<void()>> on_close_;
  net::steady_timer heartbeat_timer_;
  std::chrono::seconds heartbeat_every_{0};
  std::string heartbeat_chunk_;
  std::chrono::steady_clock::time_point last_write_;
};

}  // namespace soundscripter::http_detail
