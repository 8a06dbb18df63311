// What a server says it can do (GET /v1/capabilities, OpenAI's GET
// /v1/models), uploads it cannot run refused with a 400 before anything is
// queued, cancel that keeps the job (POST /v1/jobs/{id}/cancel), retry with
// other options, and the workers view (GET /v1/workers).
#include <gtest/gtest.h>

#include <algorithm>

#include "support/eventually.hpp"
#include "support/service_fixture.hpp"
#include "support/sse_client.hpp"
#include "support/test_media.hpp"

namespace soundscripter::test {
namespace {

class service_capabilities : public ServiceTest {};

bool has(const nlohmann::json& list, const std::string& value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

const nlohmann::json* engine_named(const nlohmann::json& capabilities, const std::string& name) {
  for (const auto& engine : capabilities["engines"]) {
    if (engine["name"] == name) return &engine;
  }
  return nullptr;
}

TEST_F(service_capabilities, SayWhichEnginesModelsLanguagesAndLimitsTheServerHas) {
  std::vector<std::string> args = fast_whisper_server_args(1, /*multilingual=*/false);
  args.insert(args.end(), {"--max-upload-size", "5M"});
  ServeProcess& server = start_server(args);
  ServiceApi api(server.base_url());
  const HttpReply reply = api.http().get("/v1/capabilities");
  ASSERT_EQ(reply.status, 200) << reply.describe();
  const nlohmann::json capabilities = reply.json();
  EXPECT_EQ(capabilities["default_engine"], "whisper");
  const std::string model_name = capabilities["default_model"];
  EXPECT_FALSE(model_name.empty());
  EXPECT_EQ(capabilities["max_upload_bytes"], 5u << 20);
  EXPECT_TRUE(has(capabilities["formats"], "tsv"));

  // The English-only test model: English only, no translation.
  const auto model = std::find_if(capabilities["models"].begin(), capabilities["models"].end(),
                                  [&](const nlohmann::json& m) { return m["name"] == model_name; });
  ASSERT_NE(model, capabilities["models"].end()) << capabilities.dump();
  EXPECT_EQ((*model)["engine"], "whisper");
  EXPECT_EQ((*model)["default"], true);
  EXPECT_EQ((*model)["multilingual"], false);
  EXPECT_EQ((*model)["translate"], false);
  EXPECT_EQ((*model)["languages"], nlohmann::json::array({"en"}));
  const nlohmann::json* whisper = engine_named(capabilities, "whisper");
  ASSERT_NE(whisper, nullptr);
  EXPECT_TRUE(has((*whisper)["models"], model_name));
  // PocketSphinx is built in: English, no translation, no model.
  const nlohmann::json* sphinx = engine_named(capabilities, "sphinx");
  ASSERT_NE(sphinx, nullptr) << capabilities.dump();
  EXPECT_EQ((*sphinx)["translate"], false);
  EXPECT_EQ((*sphinx)["languages"], nlohmann::json::array({"en"}));

  const nlohmann::json models = api.http().get("/v1/models").json();
  EXPECT_EQ(models["object"], "list");
  ASSERT_FALSE(models["data"].empty()) << models.dump();
  EXPECT_EQ(models["data"][0]["id"], model_name);
  EXPECT_EQ(models["data"][0]["object"], "model");
}

TEST_F(service_capabilities, AMultilingualModelOffersEveryLanguageAndTranslation) {
  ServeProcess& server = start_server(fast_whisper_server_args(1, /*multilingual=*/true));
  const nlohmann::json capabilities = ServiceApi(server.base_url()).http().get("/v1/capabilities").json();
  const nlohmann::json* whisper = engine_named(capabilities, "whisper");
  ASSERT_NE(whisper, nullptr) << capabilities.dump();
  EXPECT_EQ((*whisper)["translate"], true);
  EXPECT_TRUE(has((*whisper)["languages"], "de"));
  EXPECT_GT((*whisper)["languages"].size(), 90u);
}

TEST_F(service_capabilities, UploadsTheServerCannotRunAreRefusedAndLeaveNoJob) {
  ServeProcess& server = start_server(fast_whisper_server_args(1, /*multilingual=*/false));
  ServiceApi api(server.base_url());
  const struct {
    std::vector<FormPart> fields;
    std::string says;
  } refused[] = {
      {{FormPart::field("task", "translate")}, "cannot translate"},
      {{FormPart::field("language", "de")}, "cannot transcribe 'de'"},
      {{FormPart::field("engine", "sphinx"), FormPart::field("task", "translate")}, "cannot translate"},
      {{FormPart::field("engine", "parakeet")}, "cannot run 'parakeet'"},
  };
  for (const auto& upload : refused) {
    const HttpReply reply = api.submit(jfk_wav(), upload.fields);
    EXPECT_EQ(reply.status, 400) << reply.describe();
    EXPECT_EQ(reply.json()["error"]["code"], "invalid_argument");
    EXPECT_NE(reply.body.find(upload.says), std::string::npos) << reply.body;
  }
  EXPECT_EQ(api.http().get("/v1/jobs").json()["total"], 0);
  // What the capabilities offer is accepted.
  EXPECT_EQ(api.wait_until_finished(api.submit_ok(jfk_wav()))["state"], "completed");
}

TEST_F(service_capabilities, CancelKeepsTheJobWithWhatWasTranscribedSoFar) {
  ServeProcess& server = start_server(fast_whisper_server_args(1));
  ServiceApi api(server.base_url());
  const std::string id = api.submit_ok(long_speech_file(10));
  SseStream events(api.events_url(id), {api.headers(), nullptr, 120});
  // Wait for some segments, so there is something to keep.
  ASSERT_TRUE(eventually([&] {
    const auto so_far = events.events();
    return std::count_if(so_far.begin(), so_far.end(), [](const SseEvent& e) { return e.event == "segment"; }) >= 2;
  }, std::chrono::seconds(120)));

  const HttpReply cancelled = api.http().post("/v1/jobs/" + id + "/cancel");
  ASSERT_EQ(cancelled.status, 200) << cancelled.describe();
  EXPECT_EQ(cancelled.json()["state"], "cancelled");
  const SseResult stream = events.wait();
  std::vector<std::string> segment_texts;
  for (const auto& event : stream.events) {
    if (event.event == "segment") segment_texts.push_back(event.json()["segment"]["text"]);
  }
  EXPECT_EQ(stream.events.back().json()["state"], "cancelled");

  // Still there, listed, cancelled; cancelling again changes nothing.
  EXPECT_EQ(api.job(id)["state"], "cancelled");
  EXPECT_EQ(api.http().get("/v1/jobs").json()["total"], 1);
  EXPECT_EQ(api.http().post("/v1/jobs/" + id + "/cancel").status, 200);
  // Its transcript is what had arrived.
  const HttpReply transcript = api.http().get("/v1/jobs/" + id + "/transcript?format=json");
  ASSERT_EQ(transcript.status, 200) << transcript.describe();
  std::vector<std::string> kept;
  const nlohmann::json document = transcript.json();
  for (const auto& segment : document["segments"]) kept.push_back(segment["text"]);
  EXPECT_EQ(kept, segment_texts);
  EXPECT_EQ(api.http().get("/v1/jobs/" + id + "/transcript?format=tsv").status, 200);

  // Delete stays its own action.
  EXPECT_EQ(api.http().del("/v1/jobs/" + id).status, 200);
  EXPECT_EQ(api.http().get("/v1/jobs/" + id).status, 404);
}

TEST_F(service_capabilities, ACompletedJobCannotBeCancelled) {
  ServeProcess& server = start_server(fast_whisper_server_args(1));
  ServiceApi api(server.base_url());
  const std::string id = api.submit_ok(jfk_wav());
  ASSERT_EQ(api.wait_until_finished(id)["state"], "completed");
  const HttpReply reply = api.http().post("/v1/jobs/" + id + "/cancel");
  EXPECT_EQ(reply.status, 409) << reply.describe();
  EXPECT_NE(reply.body.find("is completed"), std::string::npos) << reply.body;
  EXPECT_EQ(api.job(id)["state"], "completed");
  EXPECT_EQ(api.http().post("/v1/jobs/unknown/cancel").status, 404);
}

TEST_F(service_capabilities, ARetryCanChangeTheOptionsThatMadeTheJobFail) {
  ServeProcess& server = start_server(fast_whisper_server_args(1));
  ServiceApi api(server.base_url());
  const std::string busy = api.submit_ok(long_speech_file(5));
  const std::string waiting = api.submit_ok(jfk_wav());
  ASSERT_EQ(api.http().post("/v1/jobs/" + waiting + "/cancel").json()["state"], "cancelled");
  // Cancelled while it waited: nothing was transcribed.
  EXPECT_EQ(api.http().get("/v1/jobs/" + waiting + "/transcript").status, 409);
  ASSERT_EQ(api.http().post("/v1/jobs/" + busy + "/cancel").status, 200);

  const std::string retry = "/v1/jobs/" + waiting + "/retry";
  const std::string json = "application/json";
  const HttpReply not_a_language = api.http().post(retry, R"({"language": "xx"})", json);
  EXPECT_EQ(not_a_language.status, 400) << not_a_language.describe();
  const HttpReply cannot_translate = api.http().post(retry, R"({"task": "translate"})", json);
  EXPECT_EQ(cannot_translate.status, 400) << cannot_translate.describe();
  EXPECT_NE(cannot_translate.body.find("cannot translate"), std::string::npos);
  const HttpReply unknown_field = api.http().post(retry, R"({"priority": 9})", json);
  EXPECT_EQ(unknown_field.status, 400) << unknown_field.describe();
  EXPECT_EQ(api.http().post(retry, "[1]", json).status, 400);
  EXPECT_EQ(api.job(waiting)["state"], "cancelled");

  const HttpReply retried = api.http().post(retry, R"({"engine": "sphinx"})", json);
  ASSERT_EQ(retried.status, 202) << retried.describe();
  EXPECT_EQ(retried.json()["request"]["engine"], "sphinx");
  EXPECT_EQ(retried.json()["request"]["model"], "");
  const nlohmann::json done = api.wait_until_finished(waiting, std::chrono::seconds(300));
  ASSERT_EQ(done["state"], "completed") << done.dump();
  // PocketSphinx's English, not the random model's gibberish.
  const std::string text = api.http().get("/v1/jobs/" + waiting + "/transcript?format=txt").body;
  EXPECT_NE(text.find("country"), std::string::npos) << text;
  // Its event stream shows the latest run: from the retry to completed, not
  // ending at the first run's cancel.
  SseStream replay(api.events_url(waiting), {api.headers(), nullptr, 30});
  const SseResult replayed = replay.wait();
  ASSERT_FALSE(replayed.events.empty());
  EXPECT_EQ(replayed.events.front().json()["retry"], true) << replayed.events.front().data;
  EXPECT_EQ(replayed.events.back().json()["state"], "completed") << replayed.events.back().data;
  // A completed job is not retried.
  EXPECT_EQ(api.http().post(retry).status, 409);
}

TEST_F(service_capabilities, TheWorkersViewShowsRunningJobsQueueDepthAndThroughput) {
  ServeProcess& server = start_server(fast_whisper_server_args(1));
  ServiceApi api(server.base_url());
  const std::string running = api.submit_ok(long_speech_file(5));
  const std::string waiting = api.submit_ok(jfk_wav(), {FormPart::field("priority", "high")});
  api.wait_for_state(running, {"processing"});
  nlohmann::json view;
  ASSERT_TRUE(eventually([&] {
    view = api.http().get("/v1/workers").json();
    for (const auto& worker : view["workers"]) {
      if (has(worker["jobs"], running)) return true;
    }
    return false;
  }, std::chrono::seconds(30))) << view.dump();
  EXPECT_EQ(view["queue"]["queued"], 1) << view.dump();
  EXPECT_EQ(view["queue"]["by_priority"]["8"], 1) << view.dump();
  EXPECT_EQ(view["queue"]["processing"], 1) << view.dump();

  ASSERT_EQ(api.http().post("/v1/jobs/" + running + "/cancel").status, 200);
  ASSERT_EQ(api.wait_until_finished(waiting)["state"], "completed");
  view = api.http().get("/v1/workers").json();
  EXPECT_EQ(view["completed_last_minute"], 1) << view.dump();
  EXPECT_EQ(view["queue"]["queued"], 0);
}

}  // namespace
}  // namespace soundscripter::test
