// The /v1/jobs endpoints and their error statuses against a real server:
// listing (paged, filtered, newest first), 404s, delete, retry, 409s, 405.
#include <gtest/gtest.h>

#include <thread>

#include "support/service_fixture.hpp"
#include "support/test_media.hpp"

namespace soundscripter::test {
namespace {

// jfk.wav's header without a single sample: it probes as audio, so the
// upload is accepted, and the job fails when it finds nothing to decode.
std::filesystem::path fails_when_run() { return wav_cut_after_header(); }

void expect_error(const HttpReply& reply, long status, const std::string& code) {
  EXPECT_EQ(reply.status, status) << reply.describe();
  const nlohmann::json body = reply.json();
  ASSERT_TRUE(body.contains("error")) << reply.body;
  EXPECT_EQ(body["error"].value("code", ""), code) << reply.body;
  EXPECT_FALSE(body["error"].value("message", "").empty()) << reply.body;
  EXPECT_TRUE(reply.header("Content-Type").value_or("").starts_with("application/json"));
}

std::vector<std::string> ids_of(const nlohmann::json& page) {
  std::vector<std::string> ids;
  for (const auto& job : page["jobs"]) ids.push_back(job.value("id", ""));
  return ids;
}

class service_jobs_api : public ServiceTest {};

TEST_F(service_jobs_api, ListIsNewestFirstPagedAndFilteredByState) {
  ServeProcess& server = start_server();
  ServiceApi api(server.base_url());
  std::vector<std::string> submitted;
  for (int i = 0; i < 4; ++i) submitted.push_back(api.submit_ok(jfk_as(MediaFormat::opus)));
  submitted.push_back(api.submit_ok(fails_when_run()));
  for (const auto& id : submitted) api.wait_until_finished(id);
  const std::vector<std::string> newest_first(submitted.rbegin(), submitted.rend());

  const nlohmann::json all = api.http().get("/v1/jobs").json();
  EXPECT_EQ(all["total"], 5);
  EXPECT_EQ(ids_of(all), newest_first);

  const nlohmann::json first = api.http().get("/v1/jobs?limit=2").json();
  EXPECT_EQ(first["total"], 5);
  EXPECT_EQ(first["limit"], 2);
  EXPECT_EQ(ids_of(first), std::vector<std::string>(newest_first.begin(), newest_first.begin() + 2));
  const nlohmann::json second = api.http().get("/v1/jobs?limit=2&offset=2").json();
  EXPECT_EQ(ids_of(second), std::vector<std::string>(newest_first.begin() + 2, newest_first.begin() + 4));
  const nlohmann::json last = api.http().get("/v1/jobs?limit=2&offset=4").json();
  EXPECT_EQ(ids_of(last), std::vector<std::string>(newest_first.begin() + 4, newest_first.end()));
  EXPECT_TRUE(api.http().get("/v1/jobs?offset=10").json()["jobs"].empty());

  const nlohmann::json completed = api.http().get("/v1/jobs?state=completed").json();
  EXPECT_EQ(completed["total"], 4);
  EXPECT_EQ(ids_of(completed), std::vector<std::string>(newest_first.begin() + 1, newest_first.end()));
  const nlohmann::json failed = api.http().get("/v1/jobs?state=failed").json();
  EXPECT_EQ(ids_of(failed), std::vector<std::string>{submitted.back()});
  EXPECT_EQ(api.http().get("/v1/jobs?state=queued").json()["total"], 0);

  expect_error(api.http().get("/v1/jobs?state=sleeping"), 400, "invalid_argument");
  expect_error(api.http().get("/v1/jobs?limit=0"), 400, "invalid_argument");
  expect_error(api.http().get("/v1/jobs?limit=1000"), 400, "invalid_argument");
  expect_error(api.http().get("/v1/jobs?offset=-1"), 400, "invalid_argument");
}

TEST_F(service_jobs_api, UnknownJobIs404OnEveryRoute) {
  ServeProcess& server = start_server();
  ServiceApi api(server.base_url());
  const std::string path = "/v1/jobs/0123456789abcdef0123456789abcdef";
  expect_error(api.http().get(path), 404, "not_found");
  expect_error(api.http().del(path), 404, "not_found");
  expect_error(api.http().post(path + "/retry"), 404, "not_found");
  expect_error(api.http().get(path + "/transcript"), 404, "not_found");
  expect_error(api.http().get(path + "/media"), 404, "not_found");
  expect_error(api.http().get(path + "/events"), 404, "not_found");
  expect_error(api.http().get("/v1/no-such-endpoint"), 404, "not_found");
}

TEST_F(service_jobs_api, DeleteRemovesTheJobAndItsMedia) {
  ServeProcess& server = start_server();
  ServiceApi api(server.base_url());
  const std::string id = api.submit_ok(jfk_as(MediaFormat::mp3));
  ASSERT_EQ(api.wait_until_finished(id)["state"], "completed");
  const auto media = server.data_dir() / "media" / (id + ".mp3");
  ASSERT_TRUE(std::filesystem::exists(media)) << media;

  HttpReply deleted = api.http().del("/v1/jobs/" + id);
  ASSERT_EQ(deleted.status, 200) << deleted.describe();
  EXPECT_EQ(deleted.json()["deleted"], true);
  EXPECT_EQ(deleted.json()["id"], id);
  EXPECT_FALSE(std::filesystem::exists(media));
  expect_error(api.http().get("/v1/jobs/" + id), 404, "not_found");
  expect_error(api.http().get("/v1/jobs/" + id + "/transcript"), 404, "not_found");
  expect_error(api.http().del("/v1/jobs/" + id), 404, "not_found");
  EXPECT_EQ(api.http().get("/v1/jobs").json()["total"], 0);
}

TEST_F(service_jobs_api, FailedJobSaysWhyAndRetryRunsItAgain) {
  ServeProcess& server = start_server();
  ServiceApi api(server.base_url());
  const std::string id = api.submit_ok(fails_when_run());
  const nlohmann::json failed = api.wait_until_finished(id);
  ASSERT_EQ(failed["state"], "failed") << failed.dump();
  EXPECT_EQ(failed["attempts"], 1);
  EXPECT_FALSE(failed["error"].value("code", "").empty()) << failed.dump();
  // The message names the upload as the user called it.
  EXPECT_NE(failed["error"].value("message", "").find(fails_when_run().filename().string()), std::string::npos)
      << failed.dump();
  expect_error(api.http().get("/v1/jobs/" + id + "/transcript"), 409, "conflict");

  HttpReply retried = api.http().post("/v1/jobs/" + id + "/retry");
  ASSERT_EQ(retried.status, 202) << retried.describe();
  EXPECT_EQ(retried.json()["state"], "queued");
  EXPECT_TRUE(retried.json()["error"].is_null()) << retried.body;
  const nlohmann::json again = api.wait_until_finished(id);
  EXPECT_EQ(again["state"], "failed");
  EXPECT_EQ(again["attempts"], 2);
}

TEST_F(service_jobs_api, RetryOfACompletedJobIsAConflict) {
  ServeProcess& server = start_server();
  ServiceApi api(server.base_url());
  const std::string id = api.submit_ok(jfk_as(MediaFormat::opus));
  ASSERT_EQ(api.wait_until_finished(id)["state"], "completed");
  expect_error(api.http().post("/v1/jobs/" + id + "/retry"), 409, "conflict");
  EXPECT_EQ(api.job(id)["attempts"], 1);
}

TEST_F(service_jobs_api, TranscriptOfAnUnfinishedJobIsAConflict) {
  ServeProcess& server = start_server(fast_whisper_server_args(1));
  ServiceApi api(server.base_url());
  const std::string busy = api.submit_ok(long_speech_file(10));
  const std::string waiting = api.submit_ok(jfk_wav());
  ASSERT_EQ(api.job(waiting)["state"], "queued");
  expect_error(api.http().get("/v1/jobs/" + waiting + "/transcript?format=txt"), 409, "conflict");
  // A queued job cannot be retried either.
  expect_error(api.http().post("/v1/jobs/" + waiting + "/retry"), 409, "conflict");
  api.wait_for_state(busy, {"processing"});
  expect_error(api.http().get("/v1/jobs/" + busy + "/transcript"), 409, "conflict");
}

TEST_F(service_jobs_api, WrongMethodIs405WithAllow) {
  ServeProcess& server = start_server();
  ServiceApi api(server.base_url());
  HttpReply put = api.http().request("PUT", "/v1/jobs");
  expect_error(put, 405, "method_not_allowed");
  const std::string allow = put.header("Allow").value_or("");
  EXPECT_NE(allow.find("GET"), std::string::npos) << allow;
  EXPECT_NE(allow.find("POST"), std::string::npos) << allow;
  EXPECT_EQ(allow.find("PUT"), std::string::npos) << allow;

  HttpReply patch = api.http().request("PATCH", "/v1/jobs/0123456789abcdef0123456789abcdef");
  expect_error(patch, 405, "method_not_allowed");
  const std::string job_allow = patch.header("Allow").value_or("");
  EXPECT_NE(job_allow.find("GET"), std::string::npos) << job_allow;
  EXPECT_NE(job_allow.find("DELETE"), std::string::npos) << job_allow;

  HttpReply health = api.http().post("/healthz");
  expect_error(health, 405, "method_not_allowed");
  EXPECT_EQ(health.header("Allow"), "GET, HEAD");

  // HEAD is GET without a body: the same status and length, no bytes.
  HttpReply head = api.http().request("HEAD", "/healthz");
  EXPECT_EQ(head.status, 200);
  EXPECT_TRUE(head.body.empty());
  EXPECT_EQ(head.header("Content-Length"), std::to_string(api.http().get("/healthz").body.size()));
}

}  // namespace
}  // namespace soundscripter::test
