// The limits that keep one client from taking the server from everyone:
// header deadlines, idle keep-alive, connection caps, and an answer (not a
// silent close) for requests that are not HTTP.
#include <chrono>
#include <memory>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "api/dispatcher.hpp"
#include "api/http_server.hpp"
#include "api/router.hpp"
#include "support/http_client.hpp"
#include "support/eventually.hpp"
#include "support/raw_connection.hpp"
#include "support/temp_dir.hpp"

namespace soundscripter {
namespace {

using namespace std::chrono_literals;
using test::RawConnection;

constexpr auto kSimpleGet = "GET /hello HTTP/1.1\r\nHost: x\r\n\r\n";

class http_server_limits : public ::testing::Test {
 protected:
  void start(HttpServerOptions options) {
    router_.add({"GET", "/hello", "hello", BodyKind::none, false,
                 [](HttpRequest&) { return json_response(200, {{"hello", true}}); }});
    router_.add({"POST", "/echo", "echo", BodyKind::buffered, false,
                 [](HttpRequest& request) { return json_response(200, {{"bytes", request.body.size()}}); }});
    options.port = 0;
    options.upload_dir = dir_.path();
    server_ = std::make_unique<HttpServer>(options, dispatcher_);
    server_->start();
    port_ = server_->port();
  }
  void TearDown() override {
    if (server_) server_->stop(0ms);
  }

  // The status line's code, or 0 when nothing came.
  static int status_of(const std::string& response) {
    if (response.size() < 12 || !response.starts_with("HTTP/1.1 ")) return 0;
    return std::stoi(response.substr(9, 3));
  }

  test::TempDir dir_{"soundscripter-limits"};
  Router router_;
  Dispatcher dispatcher_{router_, DispatcherOptions{}};
  std::unique_ptr<HttpServer> server_;
  int port_ = 0;
};

TEST_F(http_server_limits, AHeaderThatNeverEndsIsCutOffAtTheHeaderDeadline) {
  HttpServerOptions options;
  options.header_timeout = 1s;
  start(options);
  RawConnection silent(port_);
  RawConnection trickle(port_);
  ASSERT_TRUE(silent.connected() && trickle.connected());
  const auto started = std::chrono::steady_clock::now();
  // One byte every 300 ms: each read is quick, the header never finishes.
  for (const char c : std::string("GET /hello HTTP/1.1\r\nX-Slow: ")) {
    trickle.send(std::string(1, c));
    if (trickle.read_until_closed(300ms), trickle.closed()) break;
  }
  EXPECT_TRUE(trickle.closed()) << "a trickled header outlived the 1 s header deadline";
  silent.read_until_closed(3s);
  EXPECT_TRUE(silent.closed()) << "a connection that sent nothing was kept";
  EXPECT_LT(std::chrono::steady_clock::now() - started, 5s);
}

TEST_F(http_server_limits, AKeptAliveConnectionIsClosedWhenIdleButAnswersWhileInUse) {
  HttpServerOptions options;
  options.header_timeout = 5s;
  options.keepalive_timeout = 1s;
  start(options);
  RawConnection connection(port_);
  connection.send(kSimpleGet);
  const std::string first = connection.read_until_closed(500ms);
  EXPECT_EQ(status_of(first), 200) << first;
  ASSERT_FALSE(connection.closed()) << "the first answer ended a keep-alive connection";
  connection.send(kSimpleGet);
  EXPECT_EQ(status_of(connection.read_until_closed(500ms)), 200) << "a second request on the connection";
  connection.read_until_closed(3s);
  EXPECT_TRUE(connection.closed()) << "an idle kept-alive connection stayed open past keepalive_timeout";
}

TEST_F(http_server_limits, OneAddressCannotTakeMoreThanItsShareOfConnections) {
  HttpServerOptions options;
  options.max_connections_per_client = 3;
  start(options);
  std::vector<std::unique_ptr<RawConnection>> idle;
  for (int i = 0; i < 3; ++i) idle.push_back(std::make_unique<RawConnection>(port_, "127.0.0.1"));
  ASSERT_TRUE(test::eventually([&] { return server_->open_connections() == 3; }));

  RawConnection fourth(port_, "127.0.0.1");
  const std::string refused = fourth.read_until_closed(3s);
  EXPECT_EQ(status_of(refused), 503) << refused;
  EXPECT_NE(refused.find("too_many_connections"), std::string::npos) << refused;
  EXPECT_NE(refused.find("Retry-After: 5"), std::string::npos) << refused;
  EXPECT_TRUE(fourth.closed());

  // Another address is served as usual.
  RawConnection other(port_, "127.0.0.2");
  other.send(kSimpleGet);
  EXPECT_EQ(status_of(other.read_until_closed(1s)), 200);

  // A closed connection gives its place back.
  idle.pop_back();
  ASSERT_TRUE(test::eventually([&] { return server_->open_connections() == 3; }));
  RawConnection again(port_, "127.0.0.1");
  again.send(kSimpleGet);
  EXPECT_EQ(status_of(again.read_until_closed(1s)), 200);
}

TEST_F(http_server_limits, AFullServerSays503AndRecoversWhenConnectionsClose) {
  HttpServerOptions options;
  options.max_connections = 2;
  start(options);
  auto first = std::make_unique<RawConnection>(port_, "127.0.0.3");
  RawConnection second(port_, "127.0.0.4");
  ASSERT_TRUE(test::eventually([&] { return server_->open_connections() == 2; }));
  RawConnection third(port_, "127.0.0.5");
  const std::string refused = third.read_until_closed(3s);
  EXPECT_EQ(status_of(refused), 503) << refused;
  EXPECT_NE(refused.find("too many open connections"), std::string::npos) << refused;
  first.reset();
  ASSERT_TRUE(test::eventually([&] { return server_->open_connections() == 1; }));
  RawConnection fourth(port_, "127.0.0.5");
  fourth.send(kSimpleGet);
  EXPECT_EQ(status_of(fourth.read_until_closed(1s)), 200);
}

struct MalformedCase {
  const char* name;
  std::string request;
  int status;
};

TEST_F(http_server_limits, MalformedRequestsAreAnsweredBeforeTheConnectionCloses) {
  start(HttpServerOptions{});
  const std::vector<MalformedCase> cases = {
      {"a 100 KB URL", "GET /" + std::string(100 * 1024, 'a') + " HTTP/1.1\r\nHost: x\r\n\r\n", 414},
      {"a 100 KB header field", "GET /hello HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(100 * 1024, 'b') + "\r\n\r\n",
       431},
      {"Content-Length with Transfer-Encoding",
       "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400},
      {"two different Content-Lengths",
       "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!", 400},
      {"a negative Content-Length", "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n", 400},
      {"a raw space in the target", "GET /hel lo HTTP/1.1\r\nHost: x\r\n\r\n", 400},
      {"not HTTP at all", "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03 hello\r\n\r\n", 400},
  };
  for (const auto& malformed : cases) {
    RawConnection connection(port_);
    connection.send(malformed.request);
    const std::string response = connection.read_until_closed(3s);
    EXPECT_EQ(status_of(response), malformed.status) << malformed.name << ": " << response.substr(0, 300);
    EXPECT_NE(response.find("Connection: close"), std::string::npos) << malformed.name;
    EXPECT_NE(response.find("\"error\""), std::string::npos) << malformed.name << ": a JSON error";
    EXPECT_TRUE(connection.closed()) << malformed.name;
  }
  // The server is still fine.
  RawConnection after(port_);
  after.send(kSimpleGet);
  EXPECT_EQ(status_of(after.read_until_closed(1s)), 200);
}

TEST_F(http_server_limits, EveryResponseCarriesTheSecurityHeaders) {
  start(HttpServerOptions{});
  test::HttpClient client("http://127.0.0.1:" + std::to_string(port_));
  for (const char* path : {"/hello", "/missing"}) {
    const auto response = client.get(path);
    EXPECT_EQ(response.header("x-content-type-options"), "nosniff") << path;
    EXPECT_EQ(response.header("x-frame-options"), "DENY") << path;
    EXPECT_EQ(response.header("referrer-policy"), "no-referrer") << path;
    const std::string policy = response.header("content-security-policy").value_or("");
    EXPECT_NE(policy.find("script-src 'self';"), std::string::npos) << path << ": " << policy;
    EXPECT_NE(policy.find("frame-ancestors 'none'"), std::string::npos) << path << ": " << policy;
    EXPECT_EQ(policy.find("unsafe-eval"), std::string::npos) << policy;
  }
}

}  // namespace
}  // namespace soundscripter
