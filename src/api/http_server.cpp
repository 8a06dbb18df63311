#include "api/http_server.hpp"

#include <spdlog/spdlog.h>

#include <random>
#include <thread>

#include "api/error_status.hpp"
#include "api/http_session.hpp"
#include "util/error.hpp"

namespace soundscripter {

using namespace http_detail;

struct HttpServer::Impl {
  std::shared_ptr<ServerShared> shared;
  net::io_context ioc;
  tcp::acceptor acceptor{ioc};
  std::vector<std::thread> threads;
  std::optional<net::executor_work_guard<net::io_context::executor_type>> work;

  // When accept fails (out of file descriptors, usually) it pauses instead
  // of spinning, and says so once per burst rather than ten times a second.
  std::chrono::steady_clock::time_point last_accept_warning{};
  std::size_t accept_failures = 0;

  void do_accept() {
    acceptor.async_accept(net::make_strand(ioc), [this](beast::error_code ec, tcp::socket socket) {
      if (ec == net::error::operation_aborted || !acceptor.is_open()) return;
      if (ec) return pause_accepting(ec);
      admit(std::move(socket));
      do_accept();
    });
  }

  void pause_accepting(const beast::error_code& ec) {
    ++accept_failures;
    const auto now = std::chrono::steady_clock::now();
    if (now - last_accept_warning >= std::chrono::seconds(10)) {
      spdlog::warn("accepting connections failed {} times ({}); {} connections open", accept_failures,
                   ec.message(), shared->limits.open());
      last_accept_warning = now;
      accept_failures = 0;
    }
    auto timer = std::make_shared<net::steady_timer>(ioc, std::chrono::milliseconds(100));
    timer->async_wait([this, timer](beast::error_code) { do_accept(); });
  }

  void admit(tcp::socket socket) {
    beast::error_code ec;
    const auto remote = socket.remote_endpoint(ec);
    const std::string client = ec ? std::string() : remote.address().to_string();
    auto admission = shared->limits.admit(client);
    // One session type per transport; both are driven the same way.
    auto with_session = [&](ConnectionLimits::Slot slot, auto start) {
      if (shared->tls) {
        start(std::make_shared<Session<TlsStream>>(std::move(socket), shared, std::move(slot), client));
      } else {
        start(std::make_shared<Session<PlainStream>>(std::move(socket), shared, std::move(slot), client));
      }
    };
    if (admission.slot) {
      with_session(std::move(*admission.slot), [](auto session) { session->run(); });
      return;
    }
    // Telling a client why costs a socket for a moment; under a flood,
    // most are closed without a word.
    constexpr std::size_t kMaxRefusing = 64;
    if (shared->refusing >= kMaxRefusing) return;  // the socket closes here
    const bool server_full = *admission.refusal == ConnectionLimits::Refusal::server_full;
    HttpResponse response = error_response(
        503, "too_many_connections",
        server_full ? "the server has too many open connections; try again shortly"
                    : "too many open connections from your address (" + client + "); close some and try again");
    response.headers.emplace_back("Retry-After", "5");
    with_session({}, [&response](auto session) { session->refuse_connection(std::move(response)); });
  }
};

namespace {

// The certificate chain and key for --tls-cert/--tls-key; TLS 1.2 and up.
std::unique_ptr<net::ssl::context> tls_context(const HttpServerOptions& options) {
  auto context = std::make_unique<net::ssl::context>(net::ssl::context::tls_server);
  context->set_options(net::ssl::context::default_workarounds | net::ssl::context::no_sslv2 |
                       net::ssl::context::no_sslv3 | net::ssl::context::no_tlsv1 |
                       net::ssl::context::no_tlsv1_1 | net::ssl::context::single_dh_use);
  beast::error_code ec;
  context->use_certificate_chain_file(options.tls_cert.string(), ec);
  if (ec) {
    throw Error(ErrorCode::invalid_argument,
                "--tls-cert " + options.tls_cert.string() + ": not a readable PEM certificate (" + ec.message() + ")");
  }
  context->use_private_key_file(options.tls_key.string(), net::ssl::context::pem, ec);
  if (ec) {
    throw Error(ErrorCode::invalid_argument, "--tls-key " + options.tls_key.string() +
                                                 ": not a readable PEM private key for that certificate (" +
                                                 ec.message() + ")");
  }
  return context;
}

}  // namespace

HttpServer::HttpServer(HttpServerOptions options, const Dispatcher& dispatcher)
    : impl_(std::make_unique<Impl>()) {
  impl_->shared = std::make_shared<ServerShared>(std::move(options), dispatcher);
  if (!impl_->shared->options.tls_cert.empty()) impl_->shared->tls = tls_context(impl_->shared->options);
  std::random_device random;
  char prefix[16];
  std::snprintf(prefix, sizeof prefix, "r%04x-", random() & 0xffff);
  impl_->shared->request_prefix = prefix;
}

HttpServer::~HttpServer() { stop(std::chrono::milliseconds(0)); }

namespace {

// "127.0.0.1", "[::1]", and what the system resolves: "localhost", or the
// IPv4 shorthand "127.1".
net::ip::address listen_address(net::io_context& ioc, const std::string& host) {
  std::string name = host;
  if (name.size() > 2 && name.front() == '[' && name.back() == ']') name = name.substr(1, name.size() - 2);
  beast::error_code ec;
  auto address = net::ip::make_address(name, ec);
  if (!ec) return address;
  tcp::resolver resolver(ioc);
  const auto results = resolver.resolve(name, "", ec);
  if (ec || results.empty()) {
    throw Error(ErrorCode::invalid_argument,
                "'" + host + "' is not an address to listen on" + (ec ? ": " + ec.message() : ""));
  }
  // IPv4 first: "localhost" then answers at 127.0.0.1, where most clients try.
  for (const auto& result : results) {
    if (result.endpoint().address().is_v4()) return result.endpoint().address();
  }
  return results.begin()->endpoint().address();
}

}  // namespace

void HttpServer::start() {
  const auto& options = impl_->shared->options;
  beast::error_code ec;
  tcp::endpoint endpoint(listen_address(impl_->ioc, options.host), options.port);
  auto fail = [&](const char* what) {
    throw Error(ErrorCode::backend_unavailable, std::string("cannot ") + what + " " + options.host +
                                                    ":" + std::to_string(options.port) + ": " + ec.message());
  };
  impl_->acceptor.open(endpoint.protocol(), ec);
  if (ec) fail("open");
  impl_->acceptor.set_option(net::socket_base::reuse_address(true), ec);
  impl_->acceptor.bind(endpoint, ec);
  if (ec) fail("listen on");
  impl_->acceptor.listen(net::socket_base::max_listen_connections, ec);
  if (ec) fail("listen on");
  impl_->do_accept();
  impl_->work.emplace(impl_->ioc.get_executor());
  for (int i = 0; i < std::max(1, options.io_threads); ++i) {
    impl_->threads.emplace_back([this] { impl_->ioc.run(); });
  }
}

std::uint16_t HttpServer::port() const {
  beast::error_code ec;
  auto endpoint = impl_->acceptor.local_endpoint(ec);
  return ec ? 0 : endpoint.port();
}

std::size_t HttpServer::open_streams() const { return impl_->shared->open_streams; }

std::size_t HttpServer::open_connections() const { return impl_->shared->limits.open(); }

std::size_t HttpServer::listed_streams() const {
  std::lock_guard lock(impl_->shared->streams_mutex);
  return impl_->shared->streams.size();
}

void HttpServer::stop(std::chrono::milliseconds grace) {
  if (impl_->threads.empty()) return;
  auto& shared = *impl_->shared;
  shared.stopping = true;
  net::post(impl_->ioc, [this] {
    beast::error_code ignored;
    impl_->acceptor.close(ignored);
  });
  {
    std::lock_guard lock(shared.streams_mutex);
    // Each stream takes itself off the list when it ends (its entry must
    // stay valid until then).
    for (auto& weak : shared.streams) {
      if (auto session = weak.lock()) session->finish();
    }
  }
  // Ending a stream takes one write; give that a moment even with no grace,
  // so clients see a clean end rather than a reset.
  const auto deadline = std::chrono::steady_clock::now() + std::max<std::chrono::milliseconds>(
                                                               grace, std::chrono::milliseconds(500));
  while (std::chrono::steady_clock::now() < deadline &&
         (shared.requests_in_flight > 0 || shared.open_streams > 0)) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  impl_->work.reset();
  impl_->ioc.stop();
  for (auto& thread : impl_->threads) thread.join();
  impl_->threads.clear();
  // Handlers still running finish (what they post to the stopped I/O
  // context is dropped); none outlives the server.
  shared.handlers.join();
}

}  // namespace soundscripter
