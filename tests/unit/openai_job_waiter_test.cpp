// OpenAiJobWaiter answers exactly once whether the job ends before it
// starts (replayed from the store) or after (live from the bus), and turns
// segments into stream deltas. Real in-process store and bus; the
// connection is a recording fake.
#include <mutex>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "api/openai_job_waiter.hpp"
#include "events/job_events.hpp"
#include "support/temp_dir.hpp"

namespace soundscripter {
namespace {

class RecordingWriter : public ResponseWriter {
 public:
  void respond(HttpResponse response) override {
    std::lock_guard lock(mutex);
    responses.push_back(std::move(response));
  }
  void start_stream(int status, const std::string& content_type,
                    std::vector<std::pair<std::string, std::string>>) override {
    std::lock_guard lock(mutex);
    stream_status = status;
    stream_type = content_type;
  }
  bool write(std::string chunk) override {
    std::lock_guard lock(mutex);
    chunks.push_back(std::move(chunk));
    return true;
  }
  void finish() override {
    std::lock_guard lock(mutex);
    ++finished;
  }
  bool is_open() const override { return true; }
  void on_close(std::function<void()> callback) override {
    std::lock_guard lock(mutex);
    close_callbacks.push_back(std::move(callback));
  }
  void set_heartbeat(std::chrono::seconds, std::string) override {}

  void close() {
    std::vector<std::function<void()>> callbacks;
    {
      std::lock_guard lock(mutex);
      callbacks.swap(close_callbacks);
    }
    for (auto& callback : callbacks) callback();
  }

  std::mutex mutex;
  std::vector<HttpResponse> responses;
  int stream_status = 0;
  std::string stream_type;
  std::vector<std::string> chunks;
  int finished = 0;
  std::vector<std::function<void()>> close_callbacks;
};

class api_openai_job_waiter : public ::testing::Test {
 protected:
  void SetUp() override {
    Job job;
    job.id = "j_1";
    store_->create(job);
    events_.state("j_1", JobState::queued);
  }
  void TearDown() override { writer_->close(); }  // as the connection would, releasing the waiter

  void start(OpenAiAnswerOptions answer = {}, bool stream = false) {
    std::make_shared<OpenAiJobWaiter>(writer_, *store_, OpenAiJobWaiter::Options{"j_1", answer, stream, {}})
        ->start(*bus_);
  }

  void run_to_completion() {
    store_->transition("j_1", {JobState::queued}, JobState::processing);
    events_.state("j_1", JobState::processing);
    events_.segment("j_1", transcript_.segments[0]);
    events_.segment("j_1", transcript_.segments[1]);
    store_->save_result("j_1", transcript_);
    store_->transition("j_1", {JobState::processing}, JobState::completed);
    events_.state("j_1", JobState::completed);
  }

  void fail(ErrorCode code, const std::string& message) {
    store_->transition("j_1", {JobState::queued}, JobState::processing);
    events_.state("j_1", JobState::processing);
    store_->transition("j_1", {JobState::processing}, JobState::failed, std::string(to_string(code)), message);
    events_.error("j_1", Error(code, message));
    events_.state("j_1", JobState::failed);
  }

  test::TempDir dir_{"soundscripter-openai-waiter"};
  std::unique_ptr<JobStore> store_ = make_sqlite_job_store((dir_ / "jobs.db").string());
  std::unique_ptr<EventBus> bus_ = make_in_process_event_bus();
  JobEvents events_{*store_, *bus_};
  std::shared_ptr<RecordingWriter> writer_ = std::make_shared<RecordingWriter>();
  Transcript transcript_{"en", 3.0, {{0.0, 1.5, "Hello there.", {}}, {1.5, 3.0, "General Kenobi.", {}}}, {}};
};

TEST_F(api_openai_job_waiter, AnswersAJobThatFinishesWhileItWaits) {
  start();
  EXPECT_TRUE(writer_->responses.empty());
  run_to_completion();
  ASSERT_EQ(writer_->responses.size(), 1u);
  EXPECT_EQ(writer_->responses[0].status, 200);
  EXPECT_EQ(writer_->responses[0].body,
            R"({"text":"Hello there. General Kenobi.","usage":{"type":"duration","seconds":3}})");
}

TEST_F(api_openai_job_waiter, AnswersAJobThatFinishedBeforeItStarted) {
  run_to_completion();
  OpenAiAnswerOptions answer;
  answer.format = OpenAiResponseFormat::text;
  start(answer);
  ASSERT_EQ(writer_->responses.size(), 1u);
  EXPECT_EQ(writer_->responses[0].body, "Hello there. General Kenobi.\n");
}

TEST_F(api_openai_job_waiter, AnswersOnceAndLetsGoOfTheBus) {
  start();
  run_to_completion();
  events_.state("j_1", JobState::completed);  // a stray repeat changes nothing
  EXPECT_EQ(writer_->responses.size(), 1u);
}

TEST_F(api_openai_job_waiter, StreamsSegmentsAsDeltasThenTheDoneText) {
  start({}, /*stream=*/true);
  run_to_completion();
  EXPECT_EQ(writer_->stream_status, 200);
  EXPECT_EQ(writer_->stream_type, "text/event-stream");
  EXPECT_EQ(writer_->chunks, (std::vector<std::string>{
                                 openai_delta_frame("Hello there."),
                                 openai_delta_frame(" General Kenobi."),
                                 openai_done_frame("Hello there. General Kenobi."),
                             }));
  EXPECT_EQ(writer_->finished, 1);
  EXPECT_TRUE(writer_->responses.empty());
}

TEST_F(api_openai_job_waiter, StreamReplaysSegmentsDecodedBeforeItStarted) {
  store_->transition("j_1", {JobState::queued}, JobState::processing);
  events_.state("j_1", JobState::processing);
  events_.segment("j_1", transcript_.segments[0]);
  start({}, /*stream=*/true);
  events_.segment("j_1", transcript_.segments[1]);
  store_->save_result("j_1", transcript_);
  store_->transition("j_1", {JobState::processing}, JobState::completed);
  events_.state("j_1", JobState::completed);
  ASSERT_EQ(writer_->chunks.size(), 3u);
  EXPECT_EQ(writer_->chunks[0], openai_delta_frame("Hello there."));
  EXPECT_EQ(writer_->chunks[1], openai_delta_frame(" General Kenobi."));
}

TEST_F(api_openai_job_waiter, AFailedJobAnswersWithItsErrorInOpenAisShape) {
  start();
  fail(ErrorCode::engine_failed, "whisper failed to decode");
  ASSERT_EQ(writer_->responses.size(), 1u);
  EXPECT_EQ(writer_->responses[0].status, 500);
  auto body = nlohmann::json::parse(writer_->responses[0].body);
  EXPECT_EQ(body["error"]["code"], "engine_failed");
  EXPECT_EQ(body["error"]["message"], "whisper failed to decode");
  EXPECT_EQ(body["error"]["type"], "server_error");
}

TEST_F(api_openai_job_waiter, MediaTheDecoderRejectsIsABadRequest) {
  fail(ErrorCode::corrupt_media, "clip.mp3: no decodable audio");
  start();
  ASSERT_EQ(writer_->responses.size(), 1u);
  EXPECT_EQ(writer_->responses[0].status, 400);
}

TEST_F(api_openai_job_waiter, AStreamEndsWithAnErrorEventWhenTheJobFails) {
  start({}, /*stream=*/true);
  fail(ErrorCode::engine_failed, "boom");
  ASSERT_EQ(writer_->chunks.size(), 1u);
  EXPECT_EQ(writer_->chunks[0], openai_error_frame(500, "engine_failed", "boom"));
  EXPECT_EQ(writer_->finished, 1);
}

TEST_F(api_openai_job_waiter, ACancelledJobIsAConflict) {
  start();
  store_->transition("j_1", {JobState::queued}, JobState::cancelled);
  events_.state("j_1", JobState::cancelled, {{"deleted", true}});
  ASSERT_EQ(writer_->responses.size(), 1u);
  EXPECT_EQ(writer_->responses[0].status, 409);
  EXPECT_EQ(nlohmann::json::parse(writer_->responses[0].body)["error"]["message"],
            "the job was deleted before it finished");
}

TEST_F(api_openai_job_waiter, AJobDeletedBeforeItStartedIsNotFound) {
  store_->remove("j_1");
  start();
  ASSERT_EQ(writer_->responses.size(), 1u);
  EXPECT_EQ(writer_->responses[0].status, 404);
}

TEST_F(api_openai_job_waiter, AClosedConnectionGetsNoAnswer) {
  start();
  writer_->close();
  run_to_completion();
  EXPECT_TRUE(writer_->responses.empty());
}

}  // namespace
}  // namespace soundscripter
