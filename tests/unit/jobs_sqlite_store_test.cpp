// The SQLite job store: what it keeps, its compare-and-set, event sequence
// numbers, listing, restart recovery, and how it fails.
#include <latch>
#include <set>
#include <thread>

#include <gtest/gtest.h>

#include "jobs/job_store.hpp"
#include "support/temp_dir.hpp"
#include "util/error.hpp"

namespace soundscripter {
namespace {

Job make_job(const std::string& id, double created_at, const std::string& owner = "") {
  Job job;
  job.id = id;
  job.owner = owner;
  job.name = id + ".mp3";
  job.created_at = created_at;
  return job;
}

JobQuery query(std::optional<std::string> owner, std::optional<JobState> state, int limit = 20,
               int offset = 0) {
  JobQuery out;
  out.owner = std::move(owner);
  out.state = state;
  out.limit = limit;
  out.offset = offset;
  return out;
}

class jobs_sqlite_store : public ::testing::Test {
 protected:
  std::string db_path() const { return (dir_ / "jobs.db").string(); }
  std::unique_ptr<JobStore> open() { return make_sqlite_job_store(db_path()); }

  test::TempDir dir_{"soundscripter-jobs"};
};

TEST_F(jobs_sqlite_store, KeepsEveryJobFieldAcrossReopening) {
  Job job = make_job("j_all", 1700000000.25, "key-1");
  job.request = {.engine = "whisper", .model = "tiny.en", .language = "de", .translate = true,
                 .word_timestamps = true, .vad = true, .beam_size = 3, .best_of = 2,
                 .no_fallback = true, .temperature = 0.5f, .prompt = "Grüße", .priority = 8};
  job.media_path = "/data/media/j_all";
  job.media_filename = "Grüße.mp3";
  job.media_sha256 = "abc123";
  job.media_bytes = 5'000'000'000ULL;
  job.media_duration = 12.5;
  job.created_at = 1700000000.25;
  open()->create(job);

  const std::optional<Job> read = open()->get("j_all");  // a new connection on the same file
  ASSERT_TRUE(read);
  EXPECT_EQ(read->owner, "key-1");
  EXPECT_EQ(read->name, "j_all.mp3");
  EXPECT_EQ(read->state, JobState::queued);
  EXPECT_EQ(read->request.engine, "whisper");
  EXPECT_EQ(read->request.model, "tiny.en");
  EXPECT_EQ(read->request.language, "de");
  EXPECT_TRUE(read->request.translate);
  EXPECT_TRUE(read->request.word_timestamps);
  EXPECT_TRUE(read->request.vad);
  EXPECT_EQ(read->request.beam_size, 3);
  EXPECT_EQ(read->request.best_of, 2);
  EXPECT_TRUE(read->request.no_fallback);
  EXPECT_FLOAT_EQ(read->request.temperature, 0.5f);
  EXPECT_EQ(read->request.prompt, "Grüße");
  EXPECT_EQ(read->request.priority, 8);
  EXPECT_EQ(read->media_path, "/data/media/j_all");
  EXPECT_EQ(read->media_filename, "Grüße.mp3");
  EXPECT_EQ(read->media_sha256, "abc123");
  EXPECT_EQ(read->media_bytes, 5'000'000'000ULL);
  EXPECT_DOUBLE_EQ(read->media_duration, 12.5);
  EXPECT_DOUBLE_EQ(read->created_at, 1700000000.25);
  EXPECT_FALSE(read->started_at);
  EXPECT_FALSE(read->finished_at);
  EXPECT_FALSE(open()->get("j_missing"));
}

TEST_F(jobs_sqlite_store, RefusesASecondJobWithTheSameId) {
  auto store = open();
  store->create(make_job("j_1", 1));
  try {
    store->create(make_job("j_1", 2));
    FAIL() << "expected a conflict";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::conflict);
    EXPECT_NE(std::string(e.what()).find("job store " + db_path() + ": job j_1: create: "),
              std::string::npos)
        << e.what();
  }
}

TEST_F(jobs_sqlite_store, OpeningInAMissingDirectoryIsUnavailableAndNamesTheFile) {
  const std::string path = (dir_ / "no-such-dir" / "jobs.db").string();
  try {
    make_sqlite_job_store(path);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::backend_unavailable);
    EXPECT_EQ(std::string(e.what()), "job store " + path + ": open: unable to open database file");
  }
}

TEST_F(jobs_sqlite_store, TransitionsSetTimesAttemptsAndErrors) {
  auto store = open();
  store->create(make_job("j_1", 1));

  ASSERT_TRUE(store->transition("j_1", {JobState::queued}, JobState::processing));
  Job job = *store->get("j_1");
  EXPECT_EQ(job.state, JobState::processing);
  EXPECT_EQ(job.attempts, 1);
  ASSERT_TRUE(job.started_at);
  EXPECT_GT(*job.started_at, 1e9);

  store->set_progress("j_1", 0.5);
  ASSERT_TRUE(store->transition("j_1", {JobState::processing}, JobState::failed, "engine_failed",
                                "the model file is truncated"));
  job = *store->get("j_1");
  EXPECT_EQ(job.error_code, "engine_failed");
  EXPECT_EQ(job.error_message, "the model file is truncated");
  EXPECT_TRUE(job.finished_at);

  // A retry forgets the failed run but keeps the count of attempts.
  ASSERT_TRUE(store->transition("j_1", {JobState::failed}, JobState::queued));
  job = *store->get("j_1");
  EXPECT_EQ(job.error_code, "");
  EXPECT_FALSE(job.finished_at);
  EXPECT_FALSE(job.started_at);
  EXPECT_DOUBLE_EQ(job.progress, 0);

  ASSERT_TRUE(store->transition("j_1", {JobState::queued}, JobState::processing));
  ASSERT_TRUE(store->transition("j_1", {JobState::processing}, JobState::completed));
  job = *store->get("j_1");
  EXPECT_EQ(job.attempts, 2);
  EXPECT_DOUBLE_EQ(job.progress, 1);
  EXPECT_TRUE(job.finished_at);
}

TEST_F(jobs_sqlite_store, TransitionFromAnotherStateOrOfAMissingJobChangesNothing) {
  auto store = open();
  store->create(make_job("j_1", 1));
  EXPECT_FALSE(store->transition("j_1", {JobState::processing}, JobState::completed));
  EXPECT_FALSE(store->transition("j_1", {}, JobState::cancelled));
  EXPECT_FALSE(store->transition("j_missing", {JobState::queued}, JobState::processing));
  EXPECT_EQ(store->get("j_1")->state, JobState::queued);
  EXPECT_TRUE(store->transition("j_1", {JobState::processing, JobState::queued},
                                JobState::cancelled));
}

TEST_F(jobs_sqlite_store, RacingTransitionsHaveExactlyOneWinner) {
  auto store = open();
  constexpr int kJobs = 40;
  for (int i = 0; i < kJobs; ++i) {
    const std::string id = "j_" + std::to_string(i);
    store->create(make_job(id, i));
    ASSERT_TRUE(store->transition(id, {JobState::queued}, JobState::processing));
  }
  // A worker finishing and a user cancelling the same jobs at once.
  std::atomic<int> completed = 0;
  std::atomic<int> cancelled = 0;
  std::latch start(2);
  auto race = [&](JobState to, std::atomic<int>& wins) {
    start.arrive_and_wait();
    for (int i = 0; i < kJobs; ++i) {
      if (store->transition("j_" + std::to_string(i), {JobState::processing}, to)) ++wins;
    }
  };
  std::thread worker(race, JobState::completed, std::ref(completed));
  std::thread user(race, JobState::cancelled, std::ref(cancelled));
  worker.join();
  user.join();
  EXPECT_EQ(completed + cancelled, kJobs);
  for (const auto& [state, count] : store->count_by_state()) {
    if (state == JobState::completed) {
      EXPECT_EQ(count, completed);
    }
    if (state == JobState::cancelled) {
      EXPECT_EQ(count, cancelled);
    }
  }
}

TEST_F(jobs_sqlite_store, EventsGetConsecutiveSeqsEvenFromManyThreads) {
  auto store = open();
  store->create(make_job("j_1", 1));
  store->create(make_job("j_2", 2));
  EXPECT_EQ(store->append_event("j_2", "state", {{"state", "queued"}}).seq, 1);

  constexpr int kThreads = 4;
  constexpr int kEach = 25;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kEach; ++i) store->append_event("j_1", "progress", {{"progress", i}});
    });
  }
  for (auto& thread : threads) thread.join();

  const std::vector<JobEvent> events = store->events_after("j_1", 0);
  ASSERT_EQ(events.size(), std::size_t{kThreads * kEach});
  for (std::size_t i = 0; i < events.size(); ++i) EXPECT_EQ(events[i].seq, std::int64_t(i + 1));
  // Each job counts on its own.
  EXPECT_EQ(store->append_event("j_2", "state", {{"state", "processing"}}).seq, 2);
}

TEST_F(jobs_sqlite_store, EventsAfterResumesWhereAClientLeftOffAcrossReopening) {
  {
    auto store = open();
    store->create(make_job("j_1", 1));
    for (int i = 1; i <= 5; ++i) store->append_event("j_1", "segment", {{"n", i}, {"text", "ü"}});
  }
  const std::vector<JobEvent> events = open()->events_after("j_1", 2);
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[0].seq, 3);
  EXPECT_EQ(events[0].job, "j_1");
  EXPECT_EQ(events[0].type, "segment");
  EXPECT_EQ(events[0].data, (nlohmann::json{{"n", 3}, {"text", "ü"}}));
  EXPECT_EQ(events[2].seq, 5);
  EXPECT_TRUE(open()->events_after("j_1", 5).empty());
}

TEST_F(jobs_sqlite_store, AnEventForAMissingJobIsNotFoundAndNamesIt) {
  try {
    open()->append_event("j_gone", "progress", {{"progress", 0.5}});
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::not_found);
    EXPECT_EQ(std::string(e.what()), "job store " + db_path() +
                                         ": job j_gone: append progress event: step: FOREIGN KEY "
                                         "constraint failed");
  }
}

TEST_F(jobs_sqlite_store, RequeueInterruptedPutsProcessingJobsBackOldestFirst) {
  {
    auto store = open();
    const std::vector<std::pair<std::string, double>> jobs = {
        {"j_new", 30.0}, {"j_waiting", 20.0}, {"j_old", 10.0}, {"j_done", 5.0}};
    for (const auto& [id, created] : jobs) {
      store->create(make_job(id, created));
    }
    for (const char* id : {"j_new", "j_old", "j_done"}) {
      ASSERT_TRUE(store->transition(id, {JobState::queued}, JobState::processing));
    }
    ASSERT_TRUE(store->transition("j_done", {JobState::processing}, JobState::completed));
    store->set_progress("j_new", 0.7);
  }  // the process "dies" with j_new and j_old processing

  auto store = open();
  const std::vector<Job> requeued = store->requeue_interrupted();
  ASSERT_EQ(requeued.size(), 2u);
  EXPECT_EQ(requeued[0].id, "j_old");
  EXPECT_EQ(requeued[1].id, "j_new");
  EXPECT_EQ(requeued[1].state, JobState::queued);
  EXPECT_DOUBLE_EQ(requeued[1].progress, 0);
  EXPECT_EQ(requeued[1].attempts, 1);  // the next run will be attempt 2
  EXPECT_TRUE(store->requeue_interrupted().empty());

  std::vector<std::string> queued;
  for (const Job& job : store->queued_jobs()) queued.push_back(job.id);
  EXPECT_EQ(queued, (std::vector<std::string>{"j_old", "j_waiting", "j_new"}));
}

TEST_F(jobs_sqlite_store, ListsNewestFirstWithPagingAndFilters) {
  auto store = open();
  for (int i = 0; i < 25; ++i) {
    store->create(make_job("j_" + std::to_string(i), 100 + i, i % 2 ? "odd" : "even"));
  }
  for (int i : {3, 4, 5}) {
    store->transition("j_" + std::to_string(i), {JobState::queued}, JobState::processing);
  }
  auto ids = [](const JobPage& page) {
    std::vector<std::string> out;
    for (const Job& job : page.jobs) out.push_back(job.id);
    return out;
  };

  JobPage first = store->list({});
  EXPECT_EQ(first.total, 25);
  ASSERT_EQ(first.jobs.size(), 20u);
  EXPECT_EQ(first.jobs.front().id, "j_24");
  EXPECT_EQ(first.jobs.back().id, "j_5");
  JobPage second = store->list(query({}, {}, 20, 20));
  EXPECT_EQ(ids(second), (std::vector<std::string>{"j_4", "j_3", "j_2", "j_1", "j_0"}));

  EXPECT_EQ(store->list(query({}, {}, 0)).jobs.size(), 1u);      // clamped up to 1
  EXPECT_EQ(store->list(query({}, {}, 1000)).jobs.size(), 25u);  // clamped down to 100
  EXPECT_EQ(store->list(query({}, {}, 5, -3)).jobs.front().id, "j_24");

  JobPage odd = store->list(query("odd", {}, 3));
  EXPECT_EQ(odd.total, 12);
  EXPECT_EQ(ids(odd), (std::vector<std::string>{"j_23", "j_21", "j_19"}));
  JobPage processing = store->list(query({}, JobState::processing));
  EXPECT_EQ(ids(processing), (std::vector<std::string>{"j_5", "j_4", "j_3"}));
  JobPage both = store->list(query("even", JobState::processing));
  EXPECT_EQ(both.total, 1);
  EXPECT_EQ(ids(both), (std::vector<std::string>{"j_4"}));
  EXPECT_EQ(store->list(query("nobody", {})).total, 0);
}

TEST_F(jobs_sqlite_store, JobsCreatedInTheSameInstantListNewestInsertedFirst) {
  auto store = open();
  for (const char* id : {"j_a", "j_b", "j_c"}) store->create(make_job(id, 42));
  const JobPage page = store->list({});
  ASSERT_EQ(page.jobs.size(), 3u);
  EXPECT_EQ(page.jobs[0].id, "j_c");
  EXPECT_EQ(page.jobs[2].id, "j_a");
}

TEST_F(jobs_sqlite_store, ResultRoundTripsWithWordsAndUtf8) {
  Transcript transcript;
  transcript.language = "ja";
  transcript.duration = 11.0000000001;
  transcript.warnings = {"file is truncated after 12.3 s"};
  Segment first{0.0, 1.2300000000000002, "こんにちは、世界", {}};
  first.words = {{0.0, 0.6, "こんにちは", 0.9f}, {0.6, 1.23, "世界", std::nullopt}};
  transcript.segments = {first, {1.5, 3.0, "Ça va? 🎉", {}}};
  {
    auto store = open();
    store->create(make_job("j_1", 1));
    store->save_result("j_1", Transcript{});  // replaced by the second save
    store->save_result("j_1", transcript);
  }
  const std::optional<Transcript> read = open()->result("j_1");
  ASSERT_TRUE(read);
  EXPECT_EQ(read->language, "ja");
  EXPECT_EQ(read->duration, transcript.duration);
  EXPECT_EQ(read->warnings, transcript.warnings);
  ASSERT_EQ(read->segments.size(), 2u);
  EXPECT_EQ(read->segments[0].text, "こんにちは、世界");
  EXPECT_EQ(read->segments[0].end, 1.2300000000000002);  // exactly, not rounded
  ASSERT_EQ(read->segments[0].words.size(), 2u);
  EXPECT_EQ(read->segments[0].words[0].text, "こんにちは");
  EXPECT_EQ(read->segments[0].words[0].probability, 0.9f);
  EXPECT_FALSE(read->segments[0].words[1].probability);
  EXPECT_EQ(read->segments[1].text, "Ça va? 🎉");
  EXPECT_TRUE(read->segments[1].words.empty());
  EXPECT_FALSE(open()->result("j_missing"));
}

TEST_F(jobs_sqlite_store, RemoveTakesTheResultAndEventsWithIt) {
  auto store = open();
  store->create(make_job("j_1", 1));
  store->create(make_job("j_2", 2));
  store->save_result("j_1", Transcript{});
  store->append_event("j_1", "state", {{"state", "queued"}});
  store->remove("j_1");
  store->remove("j_missing");  // nothing to do, no error
  EXPECT_FALSE(store->get("j_1"));
  EXPECT_FALSE(store->result("j_1"));
  EXPECT_TRUE(store->events_after("j_1", 0).empty());
  EXPECT_TRUE(store->get("j_2"));
}

TEST_F(jobs_sqlite_store, FinishedBeforeFindsOnlyOldTerminalJobs) {
  auto store = open();
  for (const char* id : {"j_done", "j_running", "j_waiting"}) store->create(make_job(id, 1));
  store->transition("j_done", {JobState::queued}, JobState::processing);
  store->transition("j_done", {JobState::processing}, JobState::completed);
  store->transition("j_running", {JobState::queued}, JobState::processing);
  EXPECT_TRUE(store->finished_before(unix_now() - 3600).empty());
  const std::vector<Job> old = store->finished_before(unix_now() + 1);
  ASSERT_EQ(old.size(), 1u);
  EXPECT_EQ(old[0].id, "j_done");
}

TEST_F(jobs_sqlite_store, CountsEveryStateIncludingEmptyOnes) {
  auto store = open();
  store->create(make_job("j_1", 1));
  store->create(make_job("j_2", 2));
  store->transition("j_2", {JobState::queued}, JobState::cancelled);
  const auto counts = store->count_by_state();
  ASSERT_EQ(counts.size(), kAllJobStates.size());
  EXPECT_EQ(counts[0], std::pair(JobState::queued, std::int64_t{1}));
  EXPECT_EQ(counts[1], std::pair(JobState::processing, std::int64_t{0}));
  EXPECT_EQ(counts[4], std::pair(JobState::cancelled, std::int64_t{1}));
  EXPECT_TRUE(store->healthy());
}

TEST_F(jobs_sqlite_store, ProgressAndDurationAreStored) {
  auto store = open();
  store->create(make_job("j_1", 1));
  store->set_progress("j_1", 1.7);  // clamped
  store->set_media_duration("j_1", 61.5);
  store->set_progress("j_missing", 0.5);  // a job deleted while running: nothing to do
  const Job job = *store->get("j_1");
  EXPECT_DOUBLE_EQ(job.progress, 1.0);
  EXPECT_DOUBLE_EQ(job.media_duration, 61.5);
}

}  // namespace
}  // namespace soundscripter
