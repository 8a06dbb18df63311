// HttpServer's streams (SSE and other deferred responses): counted while
// open, and forgotten when they end, however they end.
#include <atomic>
#include <chrono>
#include <thread>

#include <gtest/gtest.h>

#include "api/dispatcher.hpp"
#include "api/http_server.hpp"
#include "api/router.hpp"
#include "support/eventually.hpp"
#include "support/http_client.hpp"
#include "support/raw_connection.hpp"
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
    // A stream that writes 64 KiB every millisecond until it is dropped.
    router_.add({"GET", "/flood", "flood", BodyKind::none, false, [this](HttpRequest&) {
                   HttpResponse response;
                   response.deferred = [this](std::shared_ptr<ResponseWriter> writer) {
                     writer->start_stream(200, "text/event-stream");
                     writer->on_close([this] { flood_dropped_ = true; });
                     const std::string chunk(64 * 1024, 'x');
                     const auto give_up = std::chrono::steady_clock::now() + 20s;
                     while (writer->write(chunk) && std::chrono::steady_clock::now() < give_up) {
                       std::this_thread::sleep_for(1ms);
                     }
                   };
                   return response;
                 }});
    // A stream with nothing to say but its heartbeat.
    router_.add({"GET", "/quiet", "quiet", BodyKind::none, false, [](HttpRequest&) {
                   HttpResponse response;
                   response.deferred = [](std::shared_ptr<ResponseWriter> writer) {
                     writer->start_stream(200, "text/event-stream");
                     writer->set_heartbeat(1s, ": keep-alive\n\n");
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
  std::atomic<bool> flood_dropped_{false};
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

TEST_F(http_server_streams, AClientThatDoesNotReadIsDroppedOnceItsQueueIsFull) {
  test::RawConnection stalled(server_->port());
  stalled.send("GET /flood HTTP/1.1\r\nHost: x\r\n\r\n");  // and never reads
  // The socket buffers take a few MiB first; then the queue passes 1 MiB.
  EXPECT_TRUE(eventually([&] { return flood_dropped_.load(); }, 15s)) << "a stalled client was kept";
  EXPECT_TRUE(eventually([&] { return server_->open_streams() == 0; }));
  EXPECT_TRUE(eventually([&] { return server_->listed_streams() == 0; }));
  // Others are served meanwhile and after.
  EXPECT_EQ(test::HttpClient(base_).get("/later").status, 200);
}

TEST_F(http_server_streams, AQuietStreamSendsItsHeartbeat) {
  test::RawConnection client(server_->port());
  client.send("GET /quiet HTTP/1.1\r\nHost: x\r\n\r\n");
  const std::string received = client.read_until_closed(2500ms);
  EXPECT_FALSE(client.closed()) << received;
  std::size_t beats = 0;
  for (auto at = received.find(": keep-alive"); at != std::string::npos; at = received.find(": keep-alive", at + 1)) {
    ++beats;
  }
  EXPECT_GE(beats, 2u) << "one heartbeat a second was asked for:\n" << received;
  EXPECT_LE(beats, 3u) << received;
}

}  // namespace
}  // namespace soundscripter
