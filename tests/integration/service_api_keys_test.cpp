// API keys against a real server: without a key nothing but the probes
// answers, and one key's jobs do not exist for another key (404, not 403)
// on every route, in lists and in the shared event stream.
#include <gtest/gtest.h>

#include "support/service_fixture.hpp"
#include "support/sse_client.hpp"
#include "support/test_media.hpp"

namespace soundscripter::test {
namespace {

class service_api_keys : public ServiceTest {
 protected:
  ServeProcess& start_with_keys() {
    return start_server(ServeProcess::Options{fast_whisper_server_args(),
                                              {{"SOUNDSCRIPTER_API_KEYS", "alice: key-a, bob: key-b"}},
                                              std::chrono::seconds(60)});
  }
};

TEST_F(service_api_keys, RequestsWithoutAValidKeyAre401) {
  ServeProcess& server = start_with_keys();
  HttpClient anonymous(server.base_url());
  for (const HttpReply& reply : {anonymous.get("/v1/jobs"), anonymous.get("/v1/events"),
                                 anonymous.post_form("/v1/jobs", {FormPart::upload("file", jfk_wav())}),
                                 anonymous.post_form("/v1/audio/transcriptions", {FormPart::upload("file", jfk_wav())}),
                                 anonymous.get("/v1/jobs", {{"Authorization", "Bearer key-c"}}),
                                 anonymous.get("/v1/jobs", {{"Authorization", "key-a"}})}) {
    EXPECT_EQ(reply.status, 401) << reply.describe();
    EXPECT_EQ(reply.json()["error"]["code"], "unauthorized") << reply.body;
    EXPECT_EQ(reply.header("WWW-Authenticate"), "Bearer");
  }
  // The probes stay open for load balancers; /metrics needs a key too.
  EXPECT_EQ(anonymous.get("/healthz").status, 200);
  EXPECT_EQ(anonymous.get("/readyz").status, 200);
  EXPECT_EQ(anonymous.get("/metrics").status, 401);
  EXPECT_EQ(anonymous.get("/metrics", {{"Authorization", "Bearer key-b"}}).status, 200);
  // Nothing was stored for the refused upload.
  EXPECT_EQ(ServiceApi(server.base_url(), "key-a").http().get("/v1/jobs").json()["total"], 0);
}

TEST_F(service_api_keys, TheSchemeIsCaseInsensitiveAndAWrongKeyIsToldApartFromAMissingOne) {
  ServeProcess& server = start_with_keys();
  HttpClient client(server.base_url());
  for (const char* scheme : {"bearer", "BEARER", "Bearer"}) {
    EXPECT_EQ(client.get("/v1/jobs", {{"Authorization", std::string(scheme) + " key-a"}}).status, 200) << scheme;
  }
  const HttpReply wrong = client.get("/v1/jobs", {{"Authorization", "Bearer key-c"}});
  EXPECT_EQ(wrong.status, 401);
  EXPECT_EQ(wrong.json()["error"]["message"], "this API key is not valid") << wrong.body;
  const HttpReply wrong_token = client.get("/v1/jobs?access_token=key-c");
  EXPECT_EQ(wrong_token.json()["error"]["message"], "this API key is not valid") << wrong_token.body;
  const HttpReply missing = client.get("/v1/jobs");
  EXPECT_NE(missing.json()["error"]["message"].get<std::string>().find("needs an API key"), std::string::npos)
      << missing.body;
}

TEST_F(service_api_keys, PublicMetricsOpensOnlyTheMetrics) {
  auto args = fast_whisper_server_args();
  args.push_back("--public-metrics");
  ServeProcess& server = start_server(ServeProcess::Options{
      args, {{"SOUNDSCRIPTER_API_KEYS", "alice: key-a"}}, std::chrono::seconds(60)});
  HttpClient anonymous(server.base_url());
  EXPECT_EQ(anonymous.get("/metrics").status, 200);
  EXPECT_EQ(anonymous.get("/v1/jobs").status, 401);
}

TEST_F(service_api_keys, OneKeysJobsDoNotExistForAnother) {
  ServeProcess& server = start_with_keys();
  ServiceApi alice(server.base_url(), "key-a");
  ServiceApi bob(server.base_url(), "key-b");
  const std::string id = alice.submit_ok(jfk_wav());
  ASSERT_EQ(alice.wait_until_finished(id)["state"], "completed");

  const std::string job = "/v1/jobs/" + id;
  for (const HttpReply& reply : {bob.http().get(job), bob.http().get(job + "/transcript?format=txt"),
                                 bob.http().get(job + "/media"), bob.http().get(job + "/events"),
                                 bob.http().post(job + "/retry"), bob.http().del(job)}) {
    EXPECT_EQ(reply.status, 404) << reply.describe();
    EXPECT_EQ(reply.json()["error"]["code"], "not_found") << reply.body;
  }
  EXPECT_EQ(bob.http().get("/v1/jobs").json()["total"], 0);
  EXPECT_EQ(bob.http().get("/v1/jobs?state=completed").json()["total"], 0);

  // Still there for alice after bob's delete.
  EXPECT_EQ(alice.job(id)["state"], "completed");
  EXPECT_EQ(alice.http().get("/v1/jobs").json()["total"], 1);
  EXPECT_EQ(alice.http().get(job + "/transcript?format=txt").status, 200);
  EXPECT_EQ(alice.http().get(job + "/media").status, 200);
  // EventSource cannot send headers, so the key may come as ?access_token=.
  const SseResult by_token = read_sse(server.base_url() + job + "/events?access_token=key-a", {{}, nullptr, 10});
  EXPECT_EQ(by_token.status, 200);
  EXPECT_FALSE(by_token.events.empty());
  EXPECT_EQ(read_sse(server.base_url() + job + "/events?access_token=key-b", {{}, nullptr, 10}).status, 404);
}

TEST_F(service_api_keys, OneKeyCannotQueueMoreThanItsShare) {
  auto args = fast_whisper_server_args(1);
  args.insert(args.end(), {"--max-queued-per-key", "1"});
  ServeProcess& server = start_server(ServeProcess::Options{
      args, {{"SOUNDSCRIPTER_API_KEYS", "alice: key-a, bob: key-b"}}, std::chrono::seconds(60)});
  ServiceApi alice(server.base_url(), "key-a");
  ServiceApi bob(server.base_url(), "key-b");
  // Ten minutes keep the one worker busy while the rest is asked.
  const std::string running = alice.submit_ok(long_speech_file(10));
  alice.wait_for_state(running, {"processing"});
  const std::string waiting = alice.submit_ok(jfk_wav());
  const HttpReply over = alice.submit(jfk_wav());
  EXPECT_EQ(over.status, 429) << over.describe();
  EXPECT_EQ(over.json()["error"]["code"], "rate_limited") << over.body;
  EXPECT_EQ(over.header("Retry-After"), "30");
  // Another key has its own share.
  const std::string bobs = bob.submit_ok(jfk_wav());
  for (const auto& [api, id] : {std::pair{&alice, running}, {&alice, waiting}, {&bob, bobs}}) {
    EXPECT_EQ(api->wait_until_finished(id)["state"], "completed") << id;
  }
  EXPECT_EQ(alice.http().get("/v1/jobs").json()["total"], 2) << "the refused upload left a job";
  alice.submit_ok(jfk_wav());  // room again
}

TEST_F(service_api_keys, SharedEventStreamOnlyCarriesTheCallersJobs) {
  ServeProcess& server = start_with_keys();
  ServiceApi alice(server.base_url(), "key-a");
  ServiceApi bob(server.base_url(), "key-b");
  auto until_finished = [](const std::vector<SseEvent>& events) {
    const nlohmann::json data = events.back().json();
    return data.value("type", "") == "state" && data.value("state", "") == "completed";
  };
  SseStream alice_stream(alice.events_url(), {alice.headers(), until_finished, 60});
  SseStream bob_stream(bob.events_url(), {bob.headers(), until_finished, 60});
  ASSERT_TRUE(alice_stream.wait_open());
  ASSERT_TRUE(bob_stream.wait_open());

  const std::string alices = alice.submit_ok(jfk_wav());
  const SseResult seen_by_alice = alice_stream.wait();
  EXPECT_EQ(seen_by_alice.end, SseEnd::stopped);
  for (const auto& event : seen_by_alice.events) EXPECT_EQ(event.json()["job"], alices);

  // Bob's own job, after alice's, is the first thing bob's stream sees.
  const std::string bobs = bob.submit_ok(jfk_wav());
  const SseResult seen_by_bob = bob_stream.wait();
  EXPECT_EQ(seen_by_bob.end, SseEnd::stopped);
  ASSERT_FALSE(seen_by_bob.events.empty());
  for (const auto& event : seen_by_bob.events) EXPECT_EQ(event.json()["job"], bobs) << "bob saw " << event.data;
}

}  // namespace
}  // namespace soundscripter::test
