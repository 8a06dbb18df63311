#include "api/http_session.hpp"

#include <spdlog/spdlog.h>

#include <cstring>
#include <limits>

#include "api/error_status.hpp"
#include "api/url.hpp"
#include "util/strings.hpp"

namespace soundscripter::http_detail {
namespace {

// On every response, the page's and the API's alike. The page and Swagger
// UI load scripts from files only (no inline script, no eval), so a script
// injected into a transcript or a file name cannot run; inline styles stay
// allowed for Swagger UI. No other site may frame the page (clickjacking).
constexpr std::pair<const char*, const char*> kSecurityHeaders[] = {
    {"Content-Security-Policy",
     "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
     "media-src 'self' blob:; connect-src 'self'; font-src 'self' data:; object-src 'none'; base-uri 'none'; "
     "form-action 'self'; frame-ancestors 'none'"},
    {"X-Content-Type-Options", "nosniff"},
    {"X-Frame-Options", "DENY"},
    {"Referrer-Policy", "no-referrer"},
};

std::string chunk_frame(const std::string& data) {
  char size[20];
  std::snprintf(size, sizeof size, "%zx\r\n", data.size());
  return size + data + "\r\n";
}

}  // namespace

template <>
Session<PlainStream>::Session(tcp::socket socket, std::shared_ptr<ServerShared> shared, ConnectionLimits::Slot slot,
                               std::string client_address)
    : client_address_(std::move(client_address)),
      stream_(std::move(socket)),
      shared_(std::move(shared)),
      slot_(std::move(slot)),
      heartbeat_timer_(stream_.get_executor()) {}

template <>
Session<TlsStream>::Session(tcp::socket socket, std::shared_ptr<ServerShared> shared, ConnectionLimits::Slot slot,
                               std::string client_address)
    : client_address_(std::move(client_address)),
      stream_(std::move(socket), *shared->tls),
      shared_(std::move(shared)),
      slot_(std::move(slot)),
      heartbeat_timer_(stream_.get_executor()) {}

template <class Stream>
Session<Stream>::~Session() {
  if (in_request_) shared_->requests_in_flight--;
  if (refusing_) shared_->refusing--;
}

template <class Stream>
char* Session<Stream>::chunk_buffer() {
  if (!chunk_) chunk_ = std::make_unique_for_overwrite<char[]>(kChunkBytes);
  return chunk_.get();
}

template <class Stream>
void Session<Stream>::run() {
  start_then([](Session& self) { self.do_read_header(); });
}

// TLS first, when this is a TLS connection; its handshake has the header's
// deadline.
template <class Stream>
void Session<Stream>::start_then(void (*next)(Session& self)) {
  net::dispatch(stream_.get_executor(), [self = this->shared_from_this(), next] {
    if constexpr (kTls) {
      self->lowest().expires_after(self->shared_->options.header_timeout);
      self->stream_.async_handshake(net::ssl::stream_base::server, [self, next](beast::error_code ec) {
        if (ec) {
          spdlog::debug("TLS handshake failed: {}", ec.message());
          return self->do_close();
        }
        next(*self);
      });
    } else {
      next(*self);
    }
  });
}

template <class Stream>
void Session<Stream>::refuse_connection(HttpResponse response) {
  refusing_ = true;
  shared_->refusing++;
  refusal_ = std::move(response);
  start_then([](Session& self) {
    self.request_.request_id = self.next_request_id();
    self.keep_alive_ = false;
    self.body_unread_ = true;  // never read: linger, so the client gets the answer rather than a reset
    self.send_response(std::move(*self.refusal_));
  });
}

template <class Stream>
std::string Session<Stream>::next_request_id() const {
  char id[40];
  std::snprintf(id, sizeof id, "%s%llx", shared_->request_prefix.c_str(),
                static_cast<unsigned long long>(++shared_->next_request));
  return id;
}

// ---- reading a request ---------------------------------------------------

template <class Stream>
void Session<Stream>::do_read_header() {
  if (shared_->stopping) return do_close();
  parser_.emplace();
  parser_->header_limit(static_cast<std::uint32_t>(shared_->options.max_header_bytes));
  // The route's limit is set once the header says which route it is;
  // until then Beast must not refuse a large Content-Length on its own.
  // (Not boost::none: Boost 1.74 compares the length against an empty
  // optional and refuses every body.)
  parser_->body_limit(std::numeric_limits<std::uint64_t>::max());
  // The next request's first bytes may be here already (pipelining).
  header_started_ = buffer_.size() > 0;
  lowest().expires_after(served_one_ && !header_started_ ? shared_->options.keepalive_timeout
                                                        : shared_->options.header_timeout);
  read_header_piece();
}

// The header is read piece by piece (rather than with async_read_header)
// to start its deadline at its first byte on a kept-alive connection.
template <class Stream>
void Session<Stream>::read_header_piece() {
  http::async_read_some(stream_, buffer_, *parser_, [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
    self->on_header_piece(ec);
  });
}

template <class Stream>
void Session<Stream>::on_header_piece(beast::error_code ec) {
  if (ec || parser_->is_header_done()) return on_read_header(ec);
  if (!header_started_) {
    header_started_ = true;
    lowest().expires_after(shared_->options.header_timeout);
  }
  read_header_piece();
}

template <class Stream>
HttpRequest Session<Stream>::request_from_header() const {
  const auto& header = parser_->get();
  HttpRequest request;
  request.method = std::string(header.method_string());
  request.target = std::string(header.target());
  auto question = request.target.find('?');
  request.path = url_decode(request.target.substr(0, question), /*plus_is_space=*/false);
  if (question != std::string::npos) request.query = parse_query(request.target.substr(question + 1));
  for (const auto& field : header) {
    const auto name = field.name_string();
    request.headers[ascii_lower({name.data(), name.size()})] = std::string(field.value());
  }
  request.request_id = next_request_id();
  request.client_address = client_address_;
  return request;
}

template <class Stream>
void Session<Stream>::on_read_header(beast::error_code ec) {
  if (ec) {
    // A header Beast could not parse is answered (400, 414, 431) before the
    // connection closes; a client that left or was too slow is not.
    if (ec.category() == http::make_error_code(http::error::bad_target).category() &&
        ec != http::error::end_of_stream && ec != http::error::partial_message) {
      return reject_malformed(ec);
    }
    if (ec != http::error::end_of_stream) spdlog::debug("reading a request header failed: {}", ec.message());
    return do_close();
  }
  served_one_ = true;
  started_ = std::chrono::steady_clock::now();
  in_request_ = true;
  shared_->requests_in_flight++;
  request_ = request_from_header();
  keep_alive_ = parser_->get().keep_alive();
  Dispatcher::Plan plan = shared_->dispatcher.plan(request_);
  plan_headers_ = std::move(plan.response_headers);
  if (!plan.route) return refuse(std::move(*plan.refusal), "unmatched");
  route_ = plan.route;
  file_limit_ = plan.file_limit;
  parser_->body_limit(plan.body_limit);
  begin_body();
}

template <class Stream>
void Session<Stream>::reject_malformed(const beast::error_code& ec) {
  started_ = std::chrono::steady_clock::now();
  in_request_ = true;
  shared_->requests_in_flight++;
  request_ = {};
  request_.request_id = next_request_id();
  keep_alive_ = false;
  const std::string limit = std::to_string(shared_->options.max_header_bytes / 1024) + " KiB";
  HttpResponse response;
  if (ec == http::error::header_limit) {
    // Which part was too long: once the request line is parsed, the
    // parser holds its target (and Beast has let go of its bytes).
    response = parser_->get().target().empty()
                   ? error_response(414, "uri_too_long", "the request line is longer than the " + limit +
                                                             " allowed for a whole request header")
                   : error_response(431, "header_too_large", "the request header is larger than " + limit);
  } else {
    response = error_response(400, "bad_request", "the request is not valid HTTP/1.1: " + ec.message());
  }
  refuse(std::move(response), "malformed");
}

template <class Stream>
void Session<Stream>::begin_body() {
  if (route_->body == BodyKind::multipart) {
    try {
      multipart_ = std::make_unique<MultipartReader>(request_.header("content-type").value_or(""),
                                                     shared_->options.upload_dir, MultipartLimits{file_limit_, 64 * 1024, 64});
    } catch (const Error& error) {
      return refuse(error_response(error), route_->name);
    }
  }
  if (parser_->is_done()) return run_handler();
  do_read_body();
}

template <class Stream>
void Session<Stream>::do_read_body() {
  auto& body = parser_->get().body();
  body.data = chunk_buffer();
  body.size = kChunkBytes;
  lowest().expires_after(shared_->options.transfer_timeout);
  http::async_read(stream_, buffer_, *parser_,
                   [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
                     self->on_read_body(ec);
                   });
}

template <class Stream>
void Session<Stream>::on_read_body(beast::error_code ec) {
  if (ec == http::error::need_buffer) ec = {};
  if (ec == http::error::body_limit) {
    return refuse(error_response(413, "too_large", "the request body is over the limit"), route_->name);
  }
  if (ec) {
    spdlog::debug("{}: reading the body failed: {}", request_.request_id, ec.message());
    return do_close();  // the client went away or was too slow
  }
  const std::size_t got = kChunkBytes - parser_->get().body().size;
  try {
    if (multipart_) {
      multipart_->feed({chunk_.get(), got});
    } else if (route_->body == BodyKind::buffered) {
      request_.body.append(chunk_.get(), got);
    }
    if (!parser_->is_done()) return do_read_body();
    if (multipart_) {
      multipart_->finish();
      request_.form = multipart_->take_fields();
      request_.files = multipart_->take_files();
      multipart_.reset();
    }
  } catch (const Error& error) {
    return refuse(error_response(error), route_->name);
  }
  run_handler();
}

template <class Stream>
void Session<Stream>::run_handler() {
  // Nothing else happens on this connection until the answer is ready (no
  // read is pending), so the pool thread may use request_ alone.
  net::post(shared_->handlers, [self = this->shared_from_this()] {
    HttpResponse response = self->shared_->dispatcher.run(*self->route_, self->request_);
    // The handler moves the uploads it keeps; anything left is removed now.
    for (const auto& file : self->request_.files) {
      std::error_code ignored;
      std::filesystem::remove(file.path, ignored);
    }
    if (response.deferred && self->request_.method != "HEAD") {
      // The strand runs posts in order: the connection becomes a stream
      // before anything the deferred start writes to it.
      net::post(self->stream_.get_executor(), [self] { self->begin_deferred(); });
      auto deferred = std::move(response.deferred);
      deferred(self);  // its replay reads the store here, off the I/O threads
      return;
    }
    net::post(self->stream_.get_executor(), [self, response = std::move(response)]() mutable {
      if (self->request_.method == "HEAD") return self->send_head(std::move(response));
      self->send_response(std::move(response));
    });
  });
}

template <class Stream>
void Session<Stream>::begin_deferred() {
  mode_ = Mode::deferred;
  {
    std::lock_guard lock(shared_->streams_mutex);
    stream_entry_ = shared_->streams.insert(shared_->streams.end(), this->weak_from_this());
  }
  shared_->open_streams++;
  lowest().expires_never();
  // The connection ends with this response: nothing else is read from it
  // but the watch below.
  keep_alive_ = false;
  watch_for_client_leaving();
}

// A client that leaves a stream (or the synchronous OpenAI endpoint) is
// noticed now, not at the next heartbeat's write: its subscription, its
// memory and (for the OpenAI endpoint) its job are let go at once. Read
// from the socket itself, outside tcp_stream's timeouts, which are for
// the writes.
template <class Stream>
void Session<Stream>::watch_for_client_leaving() {
  auto on_read = net::bind_executor(stream_.get_executor(), [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
    if (!self->open_) return;
    if (ec) return self->do_close();
    self->watch_for_client_leaving();
  });
  // TLS records must be read through the TLS stream; the read timer then
  // stays at "never" (set when the stream began), as a write's deadline
  // does not touch a read already pending.
  if constexpr (kTls) {
    stream_.async_read_some(net::buffer(watch_buffer_), std::move(on_read));
  } else {
    lowest().socket().async_read_some(net::buffer(watch_buffer_), std::move(on_read));
  }
}

// Every stream leaves the list when it ends, not only at shutdown: a
// server that served a million short streams must not keep a million
// entries.
template <class Stream>
void Session<Stream>::end_deferred() {
  if (mode_ == Mode::request) return;
  shared_->open_streams--;
  if (stream_entry_) {
    std::lock_guard lock(shared_->streams_mutex);
    shared_->streams.erase(*stream_entry_);
    stream_entry_.reset();
  }
}

// The GET response's header alone, with the Content-Length the body would have.
template <class Stream>
void Session<Stream>::send_head(HttpResponse response) {
  auto header = std::make_shared<http::response<http::empty_body>>(
      static_cast<http::status>(response.status), 11);
  std::uint64_t length = response.body.size();
  if (response.deferred) {
    header->set(http::field::content_type, "text/event-stream");
  } else {
    header->set(http::field::content_type, response.content_type);
  }
  if (response.file) {
    std::error_code ec;
    length = response.file_length.value_or(std::filesystem::file_size(*response.file, ec) - response.file_offset);
  }
  add_common_fields(*header, response.headers);
  if (!response.deferred) header->content_length(length);
  header->keep_alive(keep_alive_ && !shared_->stopping && !response.deferred);
  auto serializer = std::make_shared<http::response_serializer<http::empty_body>>(*header);
  lowest().expires_after(shared_->options.transfer_timeout);
  http::async_write_header(stream_, *serializer,
                           [self = this->shared_from_this(), header, serializer](beast::error_code ec, std::size_t) {
                             self->on_response_written(ec);
                           });
}

// A refused request's body is not read, so the connection cannot be reused.
template <class Stream>
void Session<Stream>::refuse(HttpResponse response, const std::string& route) {
  multipart_.reset();
  body_unread_ = !(parser_ && parser_->is_done());
  keep_alive_ = keep_alive_ && !body_unread_;
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
  shared_->dispatcher.record(route, request_, response.status, seconds);
  send_response(std::move(response));
}

// ---- writing a response --------------------------------------------------

template <class Stream>
template <typename Message>
void Session<Stream>::add_common_fields(Message& message,
                                const std::vector<std::pair<std::string, std::string>>& headers) {
  message.set(http::field::server, "soundscripter");
  message.set("X-Request-Id", request_.request_id);
  for (const auto& [name, value] : kSecurityHeaders) message.set(name, value);
  for (const auto& [name, value] : plan_headers_) message.set(name, value);
  for (const auto& [name, value] : headers) message.set(name, value);
}

template <class Stream>
void Session<Stream>::send_response(HttpResponse response) {
  if (response.file) return send_file(std::move(response));
  auto message = std::make_shared<http::response<http::string_body>>(
      static_cast<http::status>(response.status), 11);
  message->set(http::field::content_type, response.content_type);
  add_common_fields(*message, response.headers);
  message->body() = std::move(response.body);
  message->keep_alive(keep_alive_ && !shared_->stopping);
  message->prepare_payload();
  lowest().expires_after(shared_->options.transfer_timeout);
  http::async_write(stream_, *message,
                    [self = this->shared_from_this(), message](beast::error_code ec, std::size_t) {
                      self->on_response_written(ec);
                    });
}

template <class Stream>
void Session<Stream>::send_file(HttpResponse response) {
  std::shared_ptr<std::FILE> file(std::fopen(response.file->c_str(), "rb"), [](std::FILE* f) {
    if (f) std::fclose(f);
  });
  if (!file || std::fseek(file.get(), static_cast<long>(response.file_offset), SEEK_SET) != 0) {
    response = error_response(404, "not_found", "the media file is gone");
    return send_response(std::move(response));
  }
  std::uint64_t length = response.file_length.value_or(
      std::filesystem::file_size(*response.file) - response.file_offset);
  auto header = std::make_shared<http::response<http::empty_body>>(
      static_cast<http::status>(response.status), 11);
  header->set(http::field::content_type, response.content_type);
  add_common_fields(*header, response.headers);
  header->content_length(length);
  header->keep_alive(keep_alive_ && !shared_->stopping);
  auto serializer = std::make_shared<http::response_serializer<http::empty_body>>(*header);
  lowest().expires_after(shared_->options.transfer_timeout);
  http::async_write_header(stream_, *serializer,
                           [self = this->shared_from_this(), header, serializer, file, length](
                               beast::error_code ec, std::size_t) {
                             if (ec) return self->do_close();
                             self->do_send_file_piece(file, length);
                           });
}

template <class Stream>
void Session<Stream>::do_send_file_piece(std::shared_ptr<std::FILE> file, std::uint64_t left) {
  if (left == 0) return on_response_written({});
  std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(left, kChunkBytes));
  std::size_t got = std::fread(chunk_buffer(), 1, want, file.get());
  if (got == 0) return do_close();  // the file shrank under us: the length is now a lie
  lowest().expires_after(shared_->options.transfer_timeout);
  net::async_write(stream_, net::buffer(chunk_.get(), got),
                   [self = this->shared_from_this(), file, left, got](beast::error_code ec, std::size_t) {
                     if (ec) return self->do_close();
                     self->do_send_file_piece(file, left - got);
                   });
}

template <class Stream>
void Session<Stream>::end_request() {
  if (in_request_) {
    in_request_ = false;
    shared_->requests_in_flight--;
  }
}

template <class Stream>
void Session<Stream>::on_response_written(beast::error_code ec) {
  end_request();
  if (!ec && body_unread_) return linger_then_close();
  if (ec || !keep_alive_ || shared_->stopping) return do_close();
  request_ = {};
  plan_headers_.clear();
  route_ = nullptr;
  mode_ = Mode::request;
  do_read_header();
}

// ---- deferred and streamed responses -------------------------------------

template <class Stream>
void Session<Stream>::respond(HttpResponse response) {
  net::post(stream_.get_executor(), [self = this->shared_from_this(), response = std::move(response)]() mutable {
    if (self->mode_ != Mode::deferred || !self->open_) return;
    self->end_deferred();
    self->mode_ = Mode::request;
    self->send_response(std::move(response));
  });
}

template <class Stream>
void Session<Stream>::start_stream(int status, const std::string& content_type,
                           std::vector<std::pair<std::string, std::string>> headers) {
  net::post(stream_.get_executor(), [self = this->shared_from_this(), status, content_type,
                                     headers = std::move(headers)] {
    if (self->mode_ != Mode::deferred || !self->open_) return;
    self->mode_ = Mode::streaming;
    auto header = std::make_shared<http::response<http::empty_body>>(static_cast<http::status>(status), 11);
    header->set(http::field::content_type, content_type);
    header->set(http::field::cache_control, "no-cache");
    self->add_common_fields(*header, headers);
    header->chunked(true);
    header->keep_alive(false);  // a stream ends its connection
    auto serializer = std::make_shared<http::response_serializer<http::empty_body>>(*header);
    self->writing_ = true;
    self->lowest().expires_after(self->shared_->options.transfer_timeout);
    http::async_write_header(self->stream_, *serializer,
                             [self, header, serializer](beast::error_code ec, std::size_t) {
                               self->writing_ = false;
                               if (ec) return self->do_close();
                               self->header_sent_ = true;
                               self->last_write_ = std::chrono::steady_clock::now();
                               self->arm_heartbeat();
                               self->do_write_stream();
                             });
  });
}

template <class Stream>
bool Session<Stream>::write(std::string chunk) {
  if (!open_) return false;
  net::post(stream_.get_executor(), [self = this->shared_from_this(), chunk = std::move(chunk)]() mutable {
    if (!self->open_ || self->finishing_) return;
    if (self->queued_bytes_ + chunk.size() > self->shared_->options.max_stream_queue_bytes) {
      spdlog::warn("{} {}: dropping a stream client that stopped reading ({} bytes queued)",
                   self->request_.request_id, self->request_.path, self->queued_bytes_);
      return self->do_close();
    }
    self->queued_bytes_ += chunk.size();
    self->queue_.push_back(std::move(chunk));
    self->do_write_stream();
  });
  return true;
}

template <class Stream>
void Session<Stream>::do_write_stream() {
  if (!header_sent_ || writing_ || !open_) return;
  if (queue_.empty()) {
    if (!finishing_) return;
    // The last chunk of a chunked body, then the connection ends.
    writing_ = true;
    net::async_write(stream_, net::buffer("0\r\n\r\n", 5),
                     [self = this->shared_from_this()](beast::error_code, std::size_t) {
                       self->writing_ = false;
                       self->do_close();
                     });
    return;
  }
  auto framed = std::make_shared<std::string>(chunk_frame(queue_.front()));
  writing_ = true;
  lowest().expires_after(shared_->options.transfer_timeout);
  net::async_write(stream_, net::buffer(*framed),
                   [self = this->shared_from_this(), framed](beast::error_code ec, std::size_t) {
                     self->writing_ = false;
                     if (ec) return self->do_close();
                     self->queued_bytes_ -= self->queue_.front().size();
                     self->queue_.pop_front();
                     self->last_write_ = std::chrono::steady_clock::now();
                     self->do_write_stream();
                   });
}

template <class Stream>
void Session<Stream>::finish() {
  net::post(stream_.get_executor(), [self = this->shared_from_this()] {
    if (!self->open_) return;
    if (self->mode_ == Mode::deferred) {
      // Finished before anything was sent: nothing more to say.
      self->end_deferred();
      self->mode_ = Mode::request;
      return self->send_response(error_response(503, "backend_unavailable", "the server is shutting down"));
    }
    self->finishing_ = true;
    self->do_write_stream();
  });
}

template <class Stream>
void Session<Stream>::on_close(std::function<void()> callback) {
  net::post(stream_.get_executor(), [self = this->shared_from_this(), callback = std::move(callback)]() mutable {
    if (!self->open_) return callback();
    self->on_close_.push_back(std::move(callback));
  });
}

template <class Stream>
void Session<Stream>::set_heartbeat(std::chrono::seconds every, std::string chunk) {
  net::post(stream_.get_executor(), [self = this->shared_from_this(), every, chunk = std::move(chunk)]() mutable {
    self->heartbeat_every_ = every;
    self->heartbeat_chunk_ = std::move(chunk);
    self->arm_heartbeat();
  });
}

template <class Stream>
void Session<Stream>::arm_heartbeat() {
  if (heartbeat_every_.count() <= 0 || !header_sent_ || !open_) return;
  heartbeat_timer_.expires_after(heartbeat_every_);
  heartbeat_timer_.async_wait([self = this->shared_from_this()](beast::error_code ec) {
    if (ec || !self->open_ || self->finishing_) return;
    if (std::chrono::steady_clock::now() - self->last_write_ >= self->heartbeat_every_ &&
        self->queue_.empty()) {
      self->queued_bytes_ += self->heartbeat_chunk_.size();
      self->queue_.push_back(self->heartbeat_chunk_);
      self->do_write_stream();
    }
    self->arm_heartbeat();
  });
}

// A client still sending a refused body would get a reset, and lose the
// answer, if the socket closed at once: stop writing, then read and discard
// what it sends for a moment (as web servers' "lingering close" does).
template <class Stream>
void Session<Stream>::linger_then_close() {
  if constexpr (kTls) {
    // close_notify, then close; a client still sending gets the answer it
    // has already read.
    lowest().expires_after(std::chrono::seconds(2));
    return stream_.async_shutdown([self = this->shared_from_this()](beast::error_code) { self->do_close(); });
  }
  beast::error_code ignored;
  lowest().socket().shutdown(tcp::socket::shutdown_send, ignored);
  lowest().expires_after(std::chrono::seconds(2));
  do_drain(16 * 1024 * 1024);
}

template <class Stream>
void Session<Stream>::do_drain(std::size_t budget) {
  stream_.async_read_some(net::buffer(chunk_buffer(), kChunkBytes),
                          [self = this->shared_from_this(), budget](beast::error_code ec, std::size_t n) {
                            if (ec || n >= budget) return self->do_close();
                            self->do_drain(budget - n);
                          });
}

template <class Stream>
void Session<Stream>::do_close() {
  if (!open_.exchange(false)) return;
  end_deferred();
  end_request();
  heartbeat_timer_.cancel();
  beast::error_code ignored;
  lowest().socket().shutdown(tcp::socket::shutdown_send, ignored);
  lowest().close();
  auto callbacks = std::move(on_close_);
  for (auto& callback : callbacks) callback();
}

template class Session<PlainStream>;
template class Session<TlsStream>;

}  // namespace soundscripter::http_detail
