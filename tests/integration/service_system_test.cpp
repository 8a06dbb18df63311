// The endpoints around the jobs against a real server: liveness,
// readiness, Prometheus metrics, the media download with Range (so a player
// can seek), and the pages.
#include <gtest/gtest.h>

#include <fstream>
#include <regex>

#include "support/service_fixture.hpp"
#include "support/test_media.hpp"

namespace soundscripter::test {
namespace {

std::string slurp(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

// The value of one sample line ("name{labels} value") in a metrics page,
// or -1 when it is missing.
double sample(const std::string& metrics, const std::string& series) {
  const auto at = metrics.find("\n" + series + " ");
  if (at == std::string::npos) return -1;
  return std::stod(metrics.substr(at + series.size() + 2));
}

class service_system : public ServiceTest {};

TEST_F(service_system, HealthAndReadiness) {
  ServeProcess& server = start_server();
  HttpClient http(server.base_url());
  HttpReply health = http.get("/healthz");
  EXPECT_EQ(health.status, 200) << health.describe();
  EXPECT_EQ(health.json()["status"], "ok");
  HttpReply ready = http.get("/readyz");
  EXPECT_EQ(ready.status, 200) << ready.describe();
  EXPECT_EQ(ready.json()["status"], "ready");
  EXPECT_EQ(ready.json()["checks"]["store"], true) << ready.body;
  EXPECT_EQ(ready.json()["checks"]["queue"], true) << ready.body;
  EXPECT_EQ(ready.json()["checks"]["events"], true) << ready.body;
}

TEST_F(service_system, MetricsCountJobsRequestsAndUploads) {
  ServeProcess& server = start_server();
  ServiceApi api(server.base_url());
  const std::string id = api.submit_ok(jfk_wav());
  ASSERT_EQ(api.wait_until_finished(id)["state"], "completed");
  api.http().get("/v1/jobs/0123456789abcdef0123456789abcdef");  // one 404

  HttpReply reply = api.http().get("/metrics");
  ASSERT_EQ(reply.status, 200) << reply.describe();
  EXPECT_TRUE(reply.header("Content-Type").value_or("").starts_with("text/plain")) << reply.header("Content-Type").value_or("");
  const std::string& metrics = reply.body;
  EXPECT_EQ(sample(metrics, R"(soundscripter_jobs{state="completed"})"), 1) << metrics;
  EXPECT_EQ(sample(metrics, R"(soundscripter_jobs{state="queued"})"), 0) << metrics;
  EXPECT_EQ(sample(metrics, R"(soundscripter_jobs{state="failed"})"), 0) << metrics;
  EXPECT_EQ(sample(metrics, "soundscripter_queue_depth"), 0) << metrics;
  EXPECT_EQ(sample(metrics, "soundscripter_upload_bytes_total"), static_cast<double>(std::filesystem::file_size(jfk_wav())))
      << metrics;
  // Histograms of job time and real-time factor, and requests by route and status.
  // Run times are measured where jobs run: in this process only in
  // embedded mode (a worker process keeps its own).
  if (!distributed_) {
    EXPECT_NE(metrics.find("# TYPE soundscripter_job_seconds histogram"), std::string::npos) << metrics;
    EXPECT_NE(metrics.find("soundscripter_job_seconds_count 1"), std::string::npos) << metrics;
    EXPECT_NE(metrics.find("real_time_factor"), std::string::npos) << metrics;
  } else {
    EXPECT_EQ(sample(metrics, "soundscripter_workers_live"), static_cast<double>(workers().size())) << metrics;
    EXPECT_EQ(sample(metrics, "soundscripter_dead_letters"), 0) << metrics;
  }
  EXPECT_TRUE(std::regex_search(metrics, std::regex(R"(soundscripter_http_requests_total\{[^}]*route="jobs.create"[^}]*status="202"[^}]*\} 1)")))
      << metrics;
  EXPECT_TRUE(std::regex_search(metrics, std::regex(R"(soundscripter_http_requests_total\{[^}]*status="404"[^}]*\} 1)")))
      << metrics;
}

TEST_F(service_system, MetricLabelsComeFromAFixedSetWhateverMethodsClientsSend) {
  ServeProcess& server = start_server();
  ServiceApi api(server.base_url());
  const std::size_t before = api.http().get("/metrics").body.size();
  for (int i = 0; i < 200; ++i) {
    const std::string method = "PROBE" + std::to_string(i) + std::string(200, 'X');
    const HttpReply reply = api.http().request(method, i % 2 ? "/v1/jobs" : "/no/such/path");
    EXPECT_TRUE(reply.status == 404 || reply.status == 405 || reply.status == 400) << reply.describe();
  }
  const std::string metrics = api.http().get("/metrics").body;
  EXPECT_EQ(metrics.find("PROBE"), std::string::npos);
  EXPECT_NE(metrics.find("method=\"other\""), std::string::npos);
  // A few new series (route x status x "other"), not one per method.
  EXPECT_LT(metrics.size(), before + 2000) << metrics;
}

TEST_F(service_system, LoopbackNamesAndShorthandsAreAllowedWithoutKeysAndListenedOn) {
  for (const char* host : {"localhost", "127.1"}) {
    auto args = fast_whisper_server_args();
    args.insert(args.end(), {"--host", host});
    ServeProcess& server = start_server(args);
    EXPECT_EQ(HttpClient(server.base_url()).get("/healthz").status, 200) << host;
  }
}

TEST_F(service_system, MediaIsServedWholeOrByRange) {
  ServeProcess& server = start_server();
  ServiceApi api(server.base_url());
  const auto file = jfk_as(MediaFormat::mp3);
  const std::string original = slurp(file);
  const std::string size = std::to_string(original.size());
  const std::string id = api.submit_ok(file);
  const std::string path = "/v1/jobs/" + id + "/media";

  HttpReply whole = api.http().get(path);
  ASSERT_EQ(whole.status, 200) << whole.describe();
  EXPECT_EQ(whole.body, original);
  EXPECT_EQ(whole.header("Accept-Ranges"), "bytes");
  EXPECT_EQ(whole.header("Content-Type"), "audio/mpeg");

  HttpReply first = api.http().get(path, {{"Range", "bytes=0-99"}});
  ASSERT_EQ(first.status, 206) << first.describe();
  EXPECT_EQ(first.header("Content-Range"), "bytes 0-99/" + size);
  EXPECT_EQ(first.body, original.substr(0, 100));

  HttpReply middle = api.http().get(path, {{"Range", "bytes=1000-"}});
  ASSERT_EQ(middle.status, 206) << middle.describe();
  EXPECT_EQ(middle.header("Content-Range"), "bytes 1000-" + std::to_string(original.size() - 1) + "/" + size);
  EXPECT_EQ(middle.body, original.substr(1000));

  HttpReply tail = api.http().get(path, {{"Range", "bytes=-10"}});
  ASSERT_EQ(tail.status, 206) << tail.describe();
  EXPECT_EQ(tail.body, original.substr(original.size() - 10));

  HttpReply outside = api.http().get(path, {{"Range", "bytes=" + size + "-"}});
  EXPECT_EQ(outside.status, 416) << outside.describe();
  EXPECT_EQ(outside.header("Content-Range"), "bytes */" + size);
  // Not a valid range (RFC 9110): ignored, the whole file.
  HttpReply backwards = api.http().get(path, {{"Range", "bytes=500-100"}});
  EXPECT_EQ(backwards.status, 200) << backwards.describe();
  EXPECT_EQ(backwards.body, original);
}

TEST_F(service_system, PagesAndApiDescriptionAreServed) {
  ServeProcess& server = start_server();
  HttpClient http(server.base_url());
  HttpReply page = http.get("/");
  EXPECT_EQ(page.status, 200) << page.describe();
  EXPECT_TRUE(page.header("Content-Type").value_or("").starts_with("text/html"));
  // /docs sends the browser to /docs/, where Swagger UI's relative asset paths work.
  HttpReply docs_redirect = http.get("/docs");
  EXPECT_EQ(docs_redirect.status, 301) << docs_redirect.describe();
  EXPECT_EQ(docs_redirect.header("Location"), "docs/");
  HttpReply docs = http.get("/docs/");
  EXPECT_EQ(docs.status, 200) << docs.describe();
  EXPECT_TRUE(docs.header("Content-Type").value_or("").starts_with("text/html"));
  HttpReply openapi = http.get("/openapi.json");
  ASSERT_EQ(openapi.status, 200) << openapi.describe();
  const nlohmann::json description = openapi.json();
  EXPECT_TRUE(description.value("openapi", "").starts_with("3.1")) << openapi.body.substr(0, 200);
  for (const char* path : {"/v1/jobs", "/v1/jobs/{id}", "/v1/jobs/{id}/retry", "/v1/jobs/{id}/transcript",
                           "/v1/jobs/{id}/media", "/v1/jobs/{id}/events", "/v1/events", "/v1/audio/transcriptions",
                           "/v1/audio/translations", "/healthz", "/readyz", "/metrics"}) {
    EXPECT_TRUE(description["paths"].contains(path)) << path << " is not in /openapi.json";
  }
}

}  // namespace
}  // namespace soundscripter::test
