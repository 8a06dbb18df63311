// HttpServer's streams (SSE and other deferred responses): counted while
// open, and forgotten when they end, however they end.
#include <chrono>
#include <thread>

#include <gtest/gtest.h>

#include "api/dispatcher.hpp"
#include "api/http_server.hpp"
#include "api/router.hpp"
#include "support/eventually.hpp"
#include "support/http_client.hpp"
#include "support/sse_client.hpp"
#include "support/temp_dir.hpp"

namespace soundscripter {
namespace {

using namespace std::chrono_literals;

using test::eventually;

class http_server_streams : public ::testing::Test {
 protected:
  void SetUp() override {
    // A stream the client ends (it stops reading after the first event).
    router_.add({"GET", "/open", "open", BodyKind::none, false, [](HttpRequest&) {
                   HttpResponse response;
                   response.deferred = [](std::shared_ptr<ResponseWriter> writer) {
                     writer->start_stream(200, "text/event-stream");
                     writer->write("id: 1\nevent: tick\ndata: {}\n\n");
                   };
                   return response;
                 }});
    // A stream the server ends, and a deferred answer of one response.
    router_.add({"GET", "/ended", "ended", BodyKind::none, false, [](HttpRequest&) {
                   HttpResponse response;
                   response.deferred = [](std::shared_ptr<ResponseWriter> writer) {
                     writer->start_stream(200, "text/event-stream");
                     writer->write("id: 1\nevent: tick\ndata: {}\n\n");
                     writer->finish();
                   };
                   return response;
                 }});
    router_.add({"GET", "/later", "later", BodyKind::none, false, [](HttpRequest&) {
                   HttpResponse response;
                   response.deferred = [](std::shared_ptr<ResponseWriter> writer) {
                     writer->respond(json_response(200, {{"ok", true}}));
                   };
                   return response;
                 }});
    HttpServerOptions options;
    options.port = 0;
    options.upload_dir = dir_.path();
    server_ = std::make_unique<HttpServer>(options, dispatcher_);
    server_->start();
    base_ = "http://127.0.0.1:" + std::to_string(server_->port());
  }
  void TearDown() override { server_->stop(0ms); }

  test::TempDir dir_{"soundscripter-streams"};
  Router router_;
  Dispatcher dispatcher_{router_, DispatcherOptions{}};
  std::unique_ptr<HttpServer> server_;
  std::string base_;
};

TEST_F(http_server_streams, EveryEndedStreamIsForgotten) {
  test::HttpClient client(base_);
  for (int i = 0; i < 100; ++i) {
    const auto open = test::read_sse(base_ + "/open", {{}, [](const auto&) { return true; }, 10});
    ASSERT_EQ(open.events.size(), 1u);
    const auto ended = test::read_sse(base_ + "/ended", {{}, nullptr, 10});
    ASSERT_EQ(ended.end, test::SseEnd::server_closed);
    ASSERT_EQ(client.get("/later").status, 200);
  }
  EXPECT_TRUE(eventually([&] { return server_->open_streams() == 0; })) << server_->open_streams();
  EXPECT_TRUE(eventually([&] { return server_->listed_streams() == 0; })) << server_->listed_streams();
}

TEST_F(http_server_streams, AStreamOpenAtShutdownIsFinished) {
  test::SseStream stream(base_ + "/open", {{}, nullptr, 30});
  ASSERT_TRUE(stream.wait_open());
  ASSERT_TRUE(eventually([&] { return server_->open_streams() == 1; }));
  EXPECT_EQ(server_->listed_streams(), 1u);
  server_->stop(100ms);
  const auto result = stream.wait();
  EXPECT_EQ(result.end, test::SseEnd::server_closed);
}

}  // namespace
}  // namespace soundscripter
