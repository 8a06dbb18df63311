// HTTPS with --tls-cert/--tls-key: requests, uploads and streams over TLS
// with a self-signed certificate made at test time; plain HTTP and an
// untrusted client get nothing; a bad certificate is refused at start.
#include <chrono>
#include <fstream>
#include <memory>

#include <gtest/gtest.h>

#include "api/dispatcher.hpp"
#include "api/http_server.hpp"
#include "api/router.hpp"
#include "support/http_client.hpp"
#include "support/self_signed_certificate.hpp"
#include "support/temp_dir.hpp"
#include "util/error.hpp"

namespace soundscripter {
namespace {

using namespace std::chrono_literals;

class http_server_tls : public ::testing::Test {
 protected:
  void SetUp() override {
    router_.add({"GET", "/hello", "hello", BodyKind::none, false,
                 [](HttpRequest&) { return json_response(200, {{"hello", true}}); }});
    router_.add({"POST", "/echo", "echo", BodyKind::buffered, false,
                 [](HttpRequest& request) { return json_response(200, {{"bytes", request.body.size()}}); }});
    router_.add({"GET", "/ticks", "ticks", BodyKind::none, false, [](HttpRequest&) {
                   HttpResponse response;
                   response.deferred = [](std::shared_ptr<ResponseWriter> writer) {
                     writer->start_stream(200, "text/event-stream");
                     for (int i = 1; i <= 3; ++i) writer->write("id: " + std::to_string(i) + "\ndata: {}\n\n");
                     writer->finish();
                   };
                   return response;
                 }});
    certificate_ = test::make_self_signed_certificate(dir_.path());
  }
  void TearDown() override {
    if (server_) server_->stop(0ms);
  }

  HttpServerOptions tls_options() const {
    HttpServerOptions options;
    options.port = 0;
    options.upload_dir = dir_.path();
    options.tls_cert = certificate_.certificate;
    options.tls_key = certificate_.private_key;
    return options;
  }

  test::TempDir dir_{"soundscripter-tls"};
  Router router_;
  Dispatcher dispatcher_{router_, DispatcherOptions{}};
  test::CertificateFiles certificate_;
  std::unique_ptr<HttpServer> server_;
};

TEST_F(http_server_tls, ServesRequestsUploadsAndStreamsOverHttps) {
  server_ = std::make_unique<HttpServer>(tls_options(), dispatcher_);
  server_->start();
  const std::string port = std::to_string(server_->port());
  test::HttpClient client("https://127.0.0.1:" + port);
  client.trust(certificate_.certificate);

  const auto hello = client.get("/hello");
  EXPECT_EQ(hello.status, 200) << hello.describe();
  EXPECT_EQ(hello.json()["hello"], true);
  const auto echo = client.post("/echo", std::string(900 * 1024, 'x'), "application/octet-stream");
  EXPECT_EQ(echo.status, 200) << echo.describe();
  EXPECT_EQ(echo.json()["bytes"], 900 * 1024);
  const auto ticks = client.get("/ticks");
  EXPECT_EQ(ticks.status, 200) << ticks.describe();
  EXPECT_NE(ticks.body.find("id: 3\n"), std::string::npos) << ticks.body;
  EXPECT_TRUE(ticks.error.empty()) << "the stream ended cleanly: " << ticks.error;

  // Plain HTTP on the HTTPS port, or a client that does not trust the
  // certificate, gets no answer.
  EXPECT_EQ(test::HttpClient("http://127.0.0.1:" + port).get("/hello").status, 0);
  const auto untrusted = test::HttpClient("https://127.0.0.1:" + port).get("/hello");
  EXPECT_EQ(untrusted.status, 0);
  EXPECT_FALSE(untrusted.error.empty());
  // And the server still serves.
  EXPECT_EQ(client.get("/hello").status, 200);
}

TEST_F(http_server_tls, AnUnreadableCertificateOrKeyIsRefusedAtStartWithItsName) {
  HttpServerOptions missing = tls_options();
  missing.tls_cert = dir_.path() / "no-such-cert.pem";
  try {
    HttpServer server(missing, dispatcher_);
    FAIL() << "a missing certificate was accepted";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::invalid_argument);
    EXPECT_NE(std::string(error.what()).find("--tls-cert"), std::string::npos) << error.what();
  }
  HttpServerOptions wrong_key = tls_options();
  wrong_key.tls_key = certificate_.certificate;  // a certificate is not a key
  try {
    HttpServer server(wrong_key, dispatcher_);
    FAIL() << "a certificate given as the key was accepted";
  } catch (const Error& error) {
    EXPECT_NE(std::string(error.what()).find("--tls-key"), std::string::npos) << error.what();
  }
}

}  // namespace
}  // namespace soundscripter
