// The JobStore contract: what every store keeps, its compare-and-set,
// event sequence numbers, listing, the outbox, worker heartbeats, restart
// recovery and how it fails. Every test runs against each store (ctest
// shows job_store_contract.Name/sqlite and .../postgres), each on a fresh
// database. Store objects opened on the same database stand in for
// separate processes: each has connections of its own.
#include <atomic>
#include <cmath>

#include <gtest/gtest.h>

#include "job_store_test_backends.hpp"
#include "jobs/job_store.hpp"
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

std::vector<std::string> ids(const std::vector<Job>& jobs) {
  std::vector<std::string> out;
  for (const Job& job : jobs) out.push_back(job.id);
  return out;
}

class job_store_contract : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override { backend_ = test::make_job_store_backend(GetParam()); }

  // A new store object on this test's database.
  std::unique_ptr<JobStore> open() { return backend_->open(); }
  // "job store <database>: " as errors begin.
  std::string error_prefix() const { return "job store " + backend_->name_in_errors() + ": "; }

  std::unique_ptr<test::JobStoreBackend> backend_;
};

INSTANTIATE_TEST_SUITE_P(, job_store_contract, ::testing::Values("sqlite", "postgres"),
                         [](const ::testing::TestParamInfo<std::string>& backend) {
                           return backend.param;
                         });

TEST_P(job_store_contract, KeepsEveryJobFieldAcrossReopening) {
  Job job = make_job("j_all", 1700000000.25, "key-1");
  job.request = {.engine = "whisper", .model = "tiny.en", .language = "de", .translate = true,
                 .word_timestamps = true, .vad = true, .beam_size = 3, .best_of = 2,
                 .no_fallback = true, .temperature = 0.5f, .prompt = "Grüße", .priority = 8};
  job.media_path = "/data/media/j_all";
  job.media_filename = "Grüße.mp3";
  job.media_sha256 = "abc123";
  job.media_token = "mt_0123456789abcdef";
  job.media_bytes = 5'000'000'000ULL;
  job.media_duration = 12.5;
  job.created_at = 1700000000.123456789;  // every bit of the double must come back
  open()->create(job);

  const std::optional<Job> read = open()->get("j_all");  // another store on the same data
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
  EXPECT_EQ(read->media_token, "mt_0123456789abcdef");
  EXPECT_EQ(read->media_bytes, 5'000'000'000ULL);
  EXPECT_DOUBLE_EQ(read->media_duration, 12.5);
  EXPECT_EQ(read->created_at, job.created_at);
  EXPECT_EQ(read->attempts, 0);
  EXPECT_FALSE(read->started_at);
  EXPECT_FALSE(read->finished_at);
  EXPECT_FALSE(open()->get("j_missing"));
}

TEST_P(job_store_contract, RefusesASecondJobWithTheSameId) {
  auto store = open();
  store->create(make_job("j_1", 1));
  try {
    store->create(make_job("j_1", 2));
    FAIL() << "expected a conflict";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::conflict);
    EXPECT_TRUE(std::string(e.what()).starts_with(error_prefix() + "job j_1: create: "))
        << e.what();
  }
  EXPECT_EQ(store->get("j_1")->created_at, 1);  // the first one stays
}

TEST_P(job_store_contract, TransitionsSetTimesAttemptsAndErrors) {
  auto store = open();
  store->create(make_job("j_1", 1));

  const double before = unix_now();
  ASSERT_TRUE(store->transition("j_1", {JobState::queued}, JobState::processing));
  Job job = *store->get("j_1");
  EXPECT_EQ(job.state, JobState::processing);
  EXPECT_EQ(job.attempts, 1);
  ASSERT_TRUE(job.started_at);
  EXPECT_GE(*job.started_at, before);
  EXPECT_LE(*job.started_at, unix_now());

  store->set_progress("j_1", 0.5);
  ASSERT_TRUE(store->transition("j_1", {JobState::processing}, JobState::failed, "engine_failed",
                                "the model file is truncated"));
  job = *store->get("j_1");
  EXPECT_EQ(job.state, JobState::failed);
  EXPECT_EQ(job.error_code, "engine_failed");
  EXPECT_EQ(job.error_message, "the model file is truncated");
  EXPECT_DOUBLE_EQ(job.progress, 0.5);
  ASSERT_TRUE(job.finished_at);
  EXPECT_GE(*job.finished_at, *job.started_at);

  // A retry forgets the failed run but keeps the count of attempts.
  ASSERT_TRUE(store->transition("j_1", {JobState::failed}, JobState::queued));
  job = *store->get("j_1");
  EXPECT_EQ(job.error_code, "");
  EXPECT_EQ(job.error_message, "");
  EXPECT_FALSE(job.finished_at);
  EXPECT_FALSE(job.started_at);
  EXPECT_DOUBLE_EQ(job.progress, 0);

  ASSERT_TRUE(store->transition("j_1", {JobState::queued}, JobState::processing));
  ASSERT_TRUE(store->transition("j_1", {JobState::processing}, JobState::completed));
  job = *store->get("j_1");
  EXPECT_EQ(job.attempts, 2);
  EXPECT_DOUBLE_EQ(job.progress, 1);
  EXPECT_TRUE(job.finished_at);

  store->create(make_job("j_2", 2));
  ASSERT_TRUE(store->transition("j_2", {JobState::queued}, JobState::cancelled, "ignored", "x"));
  job = *store->get("j_2");
  EXPECT_EQ(job.state, JobState::cancelled);
  EXPECT_EQ(job.error_code, "");  // only failed records an error
  EXPECT_TRUE(job.finished_at);
}

TEST_P(job_store_contract, TransitionFromAnotherStateOrOfAMissingJobChangesNothing) {
  auto store = open();
  store->create(make_job("j_1", 1));
  EXPECT_FALSE(store->transition("j_1", {JobState::processing}, JobState::completed));
  EXPECT_FALSE(store->transition("j_1", {}, JobState::cancelled));
  EXPECT_FALSE(store->transition("j_missing", {JobState::queued}, JobState::processing));
  const Job job = *store->get("j_1");
  EXPECT_EQ(job.state, JobState::queued);
  EXPECT_FALSE(job.finished_at);
  EXPECT_TRUE(store->transition("j_1", {JobState::processing, JobState::queued},
                                JobState::cancelled));
}

TEST_P(job_store_contract, RacingTransitionsHaveExactlyOneWinner) {
  auto store = open();
  constexpr int kJobs = 40;
  for (int i = 0; i < kJobs; ++i) {
    const std::string id = "j_" + std::to_string(i);
    store->create(make_job(id, i));
    ASSERT_TRUE(store->transition(id, {JobState::queued}, JobState::processing));
  }
  // A worker finishing (thread 0) and a user cancelling (thread 1) the
  // same jobs at once.
  std::atomic<int> completed = 0;
  std::atomic<int> cancelled = 0;
  const auto failures = test::run_concurrently(2, [&](int thread) {
    const JobState to = thread == 0 ? JobState::completed : JobState::cancelled;
    std::atomic<int>& wins = thread == 0 ? completed : cancelled;
    for (int i = 0; i < kJobs; ++i) {
      if (store->transition("j_" + std::to_string(i), {JobState::processing}, to)) ++wins;
    }
  });
  EXPECT_EQ(failures, std::vector<std::string>(2));
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

TEST_P(job_store_contract, ATransitionRacedByManyProcessesHasOneWinner) {
  constexpr int kProcesses = 8;
  std::vector<std::unique_ptr<JobStore>> stores;
  for (int i = 0; i < kProcesses; ++i) stores.push_back(open());
  constexpr int kJobs = 10;
  for (int job = 0; job < kJobs; ++job) {
    stores[0]->create(make_job("j_" + std::to_string(job), job));
  }

  // Every "process" tries to take every job for itself, all at once.
  std::vector<std::atomic<int>> wins(kJobs);
  const auto failures = test::run_concurrently(kProcesses, [&](int p) {
    for (int job = 0; job < kJobs; ++job) {
      if (stores[p]->transition("j_" + std::to_string(job), {JobState::queued},
                                JobState::processing)) {
        ++wins[job];
      }
    }
  });
  EXPECT_EQ(failures, std::vector<std::string>(kProcesses));
  for (int job = 0; job < kJobs; ++job) {
    EXPECT_EQ(wins[job].load(), 1) << "job " << job;
    EXPECT_EQ(stores[0]->get("j_" + std::to_string(job))->attempts, 1) << "job " << job;
  }
}

TEST_P(job_store_contract, EventsGetConsecutiveSeqsEvenFromManyThreads) {
  auto store = open();
  store->create(make_job("j_1", 1));
  store->create(make_job("j_2", 2));
  EXPECT_EQ(store->append_event("j_2", "state", {{"state", "queued"}}).seq, 1);

  constexpr int kThreads = 4;
  constexpr int kEach = 25;
  const auto failures = test::run_concurrently(kThreads, [&](int) {
    for (int i = 0; i < kEach; ++i) store->append_event("j_1", "progress", {{"progress", i}});
  });
  EXPECT_EQ(failures, std::vector<std::string>(kThreads));

  const std::vector<JobEvent> events = store->events_after("j_1", 0);
  ASSERT_EQ(events.size(), std::size_t{kThreads * kEach});
  for (std::size_t i = 0; i < events.size(); ++i) EXPECT_EQ(events[i].seq, std::int64_t(i + 1));
  // Each job counts on its own.
  EXPECT_EQ(store->append_event("j_2", "state", {{"state", "processing"}}).seq, 2);
}

TEST_P(job_store_contract, EventsFromManyProcessesGetSeqsWithoutGapsOrDuplicates) {
  constexpr int kProcesses = 8;
  constexpr int kEach = 200;
  std::vector<std::unique_ptr<JobStore>> stores;
  for (int i = 0; i < kProcesses; ++i) stores.push_back(open());
  stores[0]->create(make_job("j_1", 1));

  // Each "process" records the seqs it was given, to compare with the
  // stored history afterwards.
  std::vector<std::vector<std::int64_t>> given(kProcesses);
  const auto failures = test::run_concurrently(kProcesses, [&](int p) {
    for (int i = 0; i < kEach; ++i) {
      given[p].push_back(stores[p]->append_event("j_1", "progress", {{"p", p}, {"i", i}}).seq);
    }
  });
  ASSERT_EQ(failures, std::vector<std::string>(kProcesses));

  const std::vector<JobEvent> events = stores[0]->events_after("j_1", 0);
  ASSERT_EQ(events.size(), std::size_t{kProcesses * kEach});
  std::vector<int> next_i(kProcesses, 0);
  for (std::size_t n = 0; n < events.size(); ++n) {
    ASSERT_EQ(events[n].seq, std::int64_t(n + 1));
    // The stored event is the one whose append returned this seq.
    const int p = events[n].data.at("p").get<int>();
    const int i = events[n].data.at("i").get<int>();
    ASSERT_EQ(i, next_i[p]++) << "process " << p << "'s events out of order";
    EXPECT_EQ(given[p][static_cast<std::size_t>(i)], events[n].seq);
  }
}

TEST_P(job_store_contract, EventsAfterResumesWhereAClientLeftOffAcrossReopening) {
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
  EXPECT_TRUE(open()->events_after("j_missing", 0).empty());
}

TEST_P(job_store_contract, AnEventForAMissingJobIsNotFoundAndNamesIt) {
  auto store = open();
  try {
    store->append_event("j_gone", "progress", {{"progress", 0.5}});
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::not_found);
    EXPECT_TRUE(
        std::string(e.what()).starts_with(error_prefix() + "job j_gone: append progress event: "))
        << e.what();
  }
  EXPECT_TRUE(store->events_after("j_gone", 0).empty());
}

TEST_P(job_store_contract, AResultForAMissingJobIsNotFound) {
  try {
    open()->save_result("j_gone", Transcript{});
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::not_found);
    EXPECT_TRUE(std::string(e.what()).starts_with(error_prefix() + "job j_gone: save result: "))
        << e.what();
  }
}

TEST_P(job_store_contract, RequeueInterruptedPutsProcessingJobsBackOldestFirst) {
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
  EXPECT_FALSE(requeued[1].started_at);
  EXPECT_EQ(requeued[1].attempts, 1);  // the next run will be attempt 2
  EXPECT_TRUE(store->requeue_interrupted().empty());
  EXPECT_EQ(store->get("j_new")->state, JobState::queued);
  EXPECT_EQ(store->get("j_done")->state, JobState::completed);

  EXPECT_EQ(ids(store->queued_jobs()), (std::vector<std::string>{"j_old", "j_waiting", "j_new"}));
}

TEST_P(job_store_contract, ListsNewestFirstWithPagingAndFilters) {
  auto store = open();
  for (int i = 0; i < 25; ++i) {
    store->create(make_job("j_" + std::to_string(i), 100 + i, i % 2 ? "odd" : "even"));
  }
  for (int i : {3, 4, 5}) {
    store->transition("j_" + std::to_string(i), {JobState::queued}, JobState::processing);
  }

  JobPage first = store->list({});
  EXPECT_EQ(first.total, 25);
  ASSERT_EQ(first.jobs.size(), 20u);
  EXPECT_EQ(first.jobs.front().id, "j_24");
  EXPECT_EQ(first.jobs.back().id, "j_5");
  JobPage second = store->list(query({}, {}, 20, 20));
  EXPECT_EQ(second.total, 25);
  EXPECT_EQ(ids(second.jobs), (std::vector<std::string>{"j_4", "j_3", "j_2", "j_1", "j_0"}));

  EXPECT_EQ(store->list(query({}, {}, 0)).jobs.size(), 1u);      // clamped up to 1
  EXPECT_EQ(store->list(query({}, {}, 1000)).jobs.size(), 25u);  // clamped down to 100
  EXPECT_EQ(store->list(query({}, {}, 5, -3)).jobs.front().id, "j_24");

  JobPage odd = store->list(query("odd", {}, 3));
  EXPECT_EQ(odd.total, 12);
  EXPECT_EQ(ids(odd.jobs), (std::vector<std::string>{"j_23", "j_21", "j_19"}));
  JobPage processing = store->list(query({}, JobState::processing));
  EXPECT_EQ(ids(processing.jobs), (std::vector<std::string>{"j_5", "j_4", "j_3"}));
  JobPage both = store->list(query("even", JobState::processing));
  EXPECT_EQ(both.total, 1);
  EXPECT_EQ(ids(both.jobs), (std::vector<std::string>{"j_4"}));
  EXPECT_EQ(store->list(query("nobody", {})).total, 0);
}

TEST_P(job_store_contract, JobsCreatedInTheSameInstantListNewestInsertedFirst) {
  auto store = open();
  for (const char* id : {"j_b", "j_c", "j_a"}) store->create(make_job(id, 42));
  EXPECT_EQ(ids(store->list({}).jobs), (std::vector<std::string>{"j_a", "j_c", "j_b"}));
  EXPECT_EQ(ids(store->queued_jobs()), (std::vector<std::string>{"j_b", "j_c", "j_a"}));
}

TEST_P(job_store_contract, ResultRoundTripsWithWordsAndUtf8) {
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

TEST_P(job_store_contract, RemoveTakesTheResultAndEventsWithIt) {
  auto store = open();
  store->create(make_job("j_1", 1));
  store->create(make_job("j_2", 2));
  store->save_result("j_1", Transcript{});
  store->append_event("j_1", "state", {{"state", "queued"}});
  store->save_result("j_2", Transcript{});
  store->append_event("j_2", "state", {{"state", "queued"}});
  store->remove("j_1");
  store->remove("j_missing");  // nothing to do, no error
  EXPECT_FALSE(store->get("j_1"));
  EXPECT_FALSE(store->result("j_1"));
  EXPECT_TRUE(store->events_after("j_1", 0).empty());
  EXPECT_TRUE(store->get("j_2"));
  EXPECT_TRUE(store->result("j_2"));
  EXPECT_EQ(store->events_after("j_2", 0).size(), 1u);
}

TEST_P(job_store_contract, FinishedBeforeFindsOnlyOldTerminalJobs) {
  auto store = open();
  for (const char* id : {"j_done", "j_running", "j_waiting"}) store->create(make_job(id, 1));
  store->transition("j_done", {JobState::queued}, JobState::processing);
  store->transition("j_done", {JobState::processing}, JobState::completed);
  store->transition("j_running", {JobState::queued}, JobState::processing);
  EXPECT_TRUE(store->finished_before(unix_now() - 3600).empty());
  EXPECT_EQ(ids(store->finished_before(unix_now() + 1)), (std::vector<std::string>{"j_done"}));
}

TEST_P(job_store_contract, CountsEveryStateIncludingEmptyOnes) {
  auto store = open();
  store->create(make_job("j_1", 1));
  store->create(make_job("j_2", 2));
  store->transition("j_2", {JobState::queued}, JobState::cancelled);
  const auto counts = store->count_by_state();
  ASSERT_EQ(counts.size(), kAllJobStates.size());
  EXPECT_EQ(counts[0], std::pair(JobState::queued, std::int64_t{1}));
  EXPECT_EQ(counts[1], std::pair(JobState::processing, std::int64_t{0}));
  EXPECT_EQ(counts[2], std::pair(JobState::completed, std::int64_t{0}));
  EXPECT_EQ(counts[3], std::pair(JobState::failed, std::int64_t{0}));
  EXPECT_EQ(counts[4], std::pair(JobState::cancelled, std::int64_t{1}));
  EXPECT_TRUE(store->healthy());
}

TEST_P(job_store_contract, ProgressAndDurationAreStored) {
  auto store = open();
  store->create(make_job("j_1", 1));
  store->create(make_job("j_2", 2));
  store->set_progress("j_1", 1.7);  // clamped
  store->set_progress("j_2", -0.5);
  store->set_media_duration("j_1", 61.5);
  store->set_progress("j_missing", 0.5);  // a job deleted while running: nothing to do
  store->set_media_duration("j_missing", 1);
  EXPECT_DOUBLE_EQ(store->get("j_1")->progress, 1.0);
  EXPECT_DOUBLE_EQ(store->get("j_1")->media_duration, 61.5);
  EXPECT_DOUBLE_EQ(store->get("j_2")->progress, 0.0);
  EXPECT_FALSE(store->get("j_missing"));
}

TEST_P(job_store_contract, NewJobsStayUnpublishedUntilMarkedOldestFirst) {
  auto store = open();
  for (const auto& [id, created] : std::vector<std::pair<std::string, double>>{
           {"j_c", 30}, {"j_a", 10}, {"j_b", 20}, {"j_late", 100}, {"j_cancelled", 5}}) {
    store->create(make_job(id, created));
  }
  ASSERT_TRUE(store->transition("j_cancelled", {JobState::queued}, JobState::cancelled));

  // Only queued jobs created before the limit, oldest first, at most `limit`.
  EXPECT_EQ(ids(store->unpublished(50, 10)), (std::vector<std::string>{"j_a", "j_b", "j_c"}));
  EXPECT_EQ(ids(store->unpublished(50, 2)), (std::vector<std::string>{"j_a", "j_b"}));
  EXPECT_EQ(ids(store->unpublished(50, 0)), (std::vector<std::string>{"j_a"}));  // at least 1
  EXPECT_EQ(ids(store->unpublished(20, 10)), (std::vector<std::string>{"j_a"}));  // strictly before

  store->mark_published("j_a");
  open()->mark_published("j_c");  // as another process would
  store->mark_published("j_missing");  // nothing to do, no error
  EXPECT_EQ(ids(store->unpublished(1000, 10)), (std::vector<std::string>{"j_b", "j_late"}));
  EXPECT_EQ(store->get("j_a")->state, JobState::queued);  // publishing changes nothing else
}

TEST_P(job_store_contract, WorkerHeartbeatsListLiveWorkersByIdUntilForgotten) {
  auto store = open();
  WorkerInfo old_worker{.id = "w_old", .host = "gpu-1", .slots = 2, .busy = 1,
                        .jobs = {"j_1"}, .engines = {"whisper:base.en", "sphinx"},
                        .started_at = 1700000000.5};
  store->beat_worker(old_worker);
  const std::vector<WorkerInfo> after_first = store->live_workers(0);
  ASSERT_EQ(after_first.size(), 1u);
  const double old_beat = after_first[0].last_beat;

  // The store stamps the beat itself, so the next one is later.
  const double before = unix_now();
  WorkerInfo new_worker{.id = "w_new", .host = "gpu-2", .slots = 4, .busy = 0,
                        .jobs = {}, .engines = {"whisper:large-v3"}, .started_at = 1700000100};
  open()->beat_worker(new_worker);  // from another process
  const std::vector<WorkerInfo> all = store->live_workers(0);
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].id, "w_new");  // by id
  EXPECT_EQ(all[1].id, "w_old");
  EXPECT_EQ(all[0].host, "gpu-2");
  EXPECT_EQ(all[0].slots, 4);
  EXPECT_EQ(all[0].busy, 0);
  EXPECT_TRUE(all[0].jobs.empty());
  EXPECT_EQ(all[0].engines, (std::vector<std::string>{"whisper:large-v3"}));
  EXPECT_EQ(all[0].started_at, 1700000100);
  EXPECT_GE(all[0].last_beat, before);
  EXPECT_LE(all[0].last_beat, unix_now());
  EXPECT_EQ(all[1].jobs, (std::vector<std::string>{"j_1"}));
  EXPECT_EQ(all[1].engines, (std::vector<std::string>{"whisper:base.en", "sphinx"}));
  EXPECT_EQ(all[1].started_at, 1700000000.5);
  EXPECT_EQ(all[1].last_beat, old_beat);

  // `since` counts a beat at exactly that time as live.
  const std::vector<WorkerInfo> live = store->live_workers(all[0].last_beat);
  ASSERT_EQ(live.size(), 1u);
  EXPECT_EQ(live[0].id, "w_new");
  EXPECT_TRUE(store->live_workers(std::nextafter(all[0].last_beat, HUGE_VAL)).empty());

  store->forget_worker("w_new");
  store->forget_worker("w_missing");  // nothing to do, no error
  const std::vector<WorkerInfo> left = store->live_workers(0);
  ASSERT_EQ(left.size(), 1u);
  EXPECT_EQ(left[0].id, "w_old");
}

TEST_P(job_store_contract, AHeartbeatReplacesTheWorkersLastOne) {
  auto store = open();
  WorkerInfo worker{.id = "w_1", .host = "gpu-1", .slots = 2, .busy = 0,
                    .jobs = {}, .engines = {"sphinx"}, .started_at = 1700000000};
  store->beat_worker(worker);
  const double first_beat = store->live_workers(0).at(0).last_beat;
  worker.busy = 2;
  worker.jobs = {"j_1", "j_2"};
  store->beat_worker(worker);
  const std::vector<WorkerInfo> workers = store->live_workers(0);
  ASSERT_EQ(workers.size(), 1u);
  EXPECT_EQ(workers[0].busy, 2);
  EXPECT_EQ(workers[0].jobs, (std::vector<std::string>{"j_1", "j_2"}));
  EXPECT_GT(workers[0].last_beat, first_beat);
  EXPECT_EQ(store->live_workers(workers[0].last_beat).size(), 1u);
}

}  // namespace
}  // namespace soundscripter

namespace soundscripter {
namespace {

std::vector<ChunkState> chunk_states(const std::vector<JobChunk>& chunks) {
  std::vector<ChunkState> states;
  for (const JobChunk& chunk : chunks) states.push_back(chunk.state);
  return states;
}

TEST_P(job_store_contract, ASplitJobKeepsItsFirstPlanWhoeverSplitsItAgain) {
  auto store = open();
  store->create(make_job("j_1", 1));
  EXPECT_TRUE(store->chunks("j_1").empty());
  const std::vector<AudioSpan> plan{{0, 4'800'000}, {4'800'000, 4'700'000}, {9'500'000, 123}};
  const std::vector<JobChunk> first = store->split_job("j_1", plan);
  ASSERT_EQ(first.size(), 3u);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(first[i].index, i);
    EXPECT_EQ(first[i].span, plan[i]);
    EXPECT_EQ(first[i].state, ChunkState::queued);
    EXPECT_EQ(first[i].attempts, 0);
    EXPECT_EQ(first[i].segments, ChunkSegments::unsent);
    EXPECT_FALSE(first[i].transcript);
  }
  // Another process splitting the same job (with other settings) gets the
  // plan that was stored first.
  const std::vector<JobChunk> again = open()->split_job("j_1", {{0, 10}});
  ASSERT_EQ(again.size(), 3u);
  EXPECT_EQ(again[2].span, plan[2]);
  store->remove("j_1");
  EXPECT_TRUE(store->chunks("j_1").empty());
}

TEST_P(job_store_contract, ChunkTransitionsAreCompareAndSetAndDoneKeepsTheTranscript) {
  auto store = open();
  store->create(make_job("j_1", 1));
  store->split_job("j_1", {{0, 100}, {100, 100}});
  EXPECT_TRUE(store->transition_chunk("j_1", 1, {ChunkState::queued}, ChunkState::processing));
  EXPECT_FALSE(open()->transition_chunk("j_1", 1, {ChunkState::queued}, ChunkState::processing));
  store->set_chunk_progress("j_1", 1, 0.5);
  EXPECT_EQ(store->chunks("j_1")[1].progress, 0.5);
  EXPECT_EQ(store->chunks("j_1")[1].attempts, 1);
  // Taken over from a worker that died: another attempt, progress from 0.
  EXPECT_TRUE(store->transition_chunk("j_1", 1, {ChunkState::processing}, ChunkState::processing));
  EXPECT_EQ(store->chunks("j_1")[1].attempts, 2);
  EXPECT_EQ(store->chunks("j_1")[1].progress, 0);

  Transcript part;
  part.language = "de";
  part.segments = {{0.25, 1.5, "Grüß Gott", {}}};
  EXPECT_TRUE(store->transition_chunk("j_1", 1, {ChunkState::queued, ChunkState::processing},
                                      ChunkState::done, &part));
  EXPECT_FALSE(open()->transition_chunk("j_1", 1, {ChunkState::queued, ChunkState::processing},
                                        ChunkState::done, &part));
  EXPECT_FALSE(store->transition_chunk("j_1", 7, {ChunkState::queued}, ChunkState::processing));
  EXPECT_FALSE(store->transition_chunk("j_missing", 0, {ChunkState::queued}, ChunkState::processing));

  const std::vector<JobChunk> chunks = open()->chunks("j_1");
  EXPECT_EQ(chunk_states(chunks), (std::vector<ChunkState>{ChunkState::queued, ChunkState::done}));
  EXPECT_EQ(chunks[1].progress, 1.0);
  ASSERT_TRUE(chunks[1].transcript);
  EXPECT_EQ(chunks[1].transcript->language, "de");
  ASSERT_EQ(chunks[1].transcript->segments.size(), 1u);
  EXPECT_EQ(chunks[1].transcript->segments[0].text, "Grüß Gott");
  EXPECT_EQ(chunks[1].transcript->segments[0].start, 0.25);
  // Progress and the plan without the transcripts, for the frequent reads.
  EXPECT_FALSE(open()->chunks("j_1", /*transcripts=*/false)[1].transcript);
}

TEST_P(job_store_contract, ChunkSegmentsAreSentInOrderByOneSenderAtATime) {
  auto store = open();
  store->create(make_job("j_1", 1));
  store->split_job("j_1", {{0, 100}, {100, 100}, {200, 100}});
  const Transcript part;
  for (int index : {2, 1}) {
    store->transition_chunk("j_1", index, {ChunkState::queued}, ChunkState::processing);
    store->transition_chunk("j_1", index, {ChunkState::processing}, ChunkState::done, &part);
  }
  // Chunk 1 is done, but chunk 0 is not: not its turn.
  EXPECT_FALSE(store->advance_chunk_segments("j_1", 1, ChunkSegments::unsent, ChunkSegments::sending));
  // Not done: nothing to send.
  EXPECT_FALSE(store->advance_chunk_segments("j_1", 0, ChunkSegments::unsent, ChunkSegments::sending));
  store->transition_chunk("j_1", 0, {ChunkState::queued}, ChunkState::processing);
  store->transition_chunk("j_1", 0, {ChunkState::processing}, ChunkState::done, &part);
  EXPECT_TRUE(store->advance_chunk_segments("j_1", 0, ChunkSegments::unsent, ChunkSegments::sending));
  EXPECT_FALSE(open()->advance_chunk_segments("j_1", 0, ChunkSegments::unsent, ChunkSegments::sending));
  // Chunk 0 is being sent, not sent: chunk 1 still waits.
  EXPECT_FALSE(store->advance_chunk_segments("j_1", 1, ChunkSegments::unsent, ChunkSegments::sending));
  EXPECT_TRUE(store->advance_chunk_segments("j_1", 0, ChunkSegments::sending, ChunkSegments::sent));
  EXPECT_TRUE(open()->advance_chunk_segments("j_1", 1, ChunkSegments::unsent, ChunkSegments::sending));
  EXPECT_EQ(store->chunks("j_1")[1].segments, ChunkSegments::sending);
}

TEST_P(job_store_contract, LiveSegmentsAreCountedWhileAChunkRunsInItsTurnOnly) {
  auto store = open();
  store->create(make_job("j_1", 1));
  store->split_job("j_1", {{0, 100}, {100, 100}});
  EXPECT_EQ(store->chunks("j_1")[0].live_segments, 0);
  // Not running yet.
  EXPECT_FALSE(store->advance_live_segments("j_1", 0, 0, 1));
  for (int index : {0, 1}) store->transition_chunk("j_1", index, {ChunkState::queued}, ChunkState::processing);
  EXPECT_TRUE(store->advance_live_segments("j_1", 0, 0, 2));
  EXPECT_FALSE(open()->advance_live_segments("j_1", 0, 0, 1));  // the count moved on
  EXPECT_TRUE(open()->advance_live_segments("j_1", 0, 2, 3));
  // Chunk 1 waits for chunk 0's segments to be sent.
  EXPECT_FALSE(store->advance_live_segments("j_1", 1, 0, 1));
  // A run that goes back to the queue keeps the count: a redo must not send them again.
  store->transition_chunk("j_1", 0, {ChunkState::processing}, ChunkState::queued);
  store->transition_chunk("j_1", 0, {ChunkState::queued}, ChunkState::processing);
  EXPECT_EQ(open()->chunks("j_1", /*transcripts=*/false)[0].live_segments, 3);
  const Transcript part;
  store->transition_chunk("j_1", 0, {ChunkState::processing}, ChunkState::done, &part);
  // Done: its completion sends the rest.
  EXPECT_FALSE(store->advance_live_segments("j_1", 0, 3, 4));
  EXPECT_TRUE(store->advance_chunk_segments("j_1", 0, ChunkSegments::unsent, ChunkSegments::sending));
  EXPECT_TRUE(store->advance_chunk_segments("j_1", 0, ChunkSegments::sending, ChunkSegments::sent));
  EXPECT_TRUE(store->advance_live_segments("j_1", 1, 0, 1));
  EXPECT_EQ(store->chunks("j_1")[0].live_segments, 3);
  EXPECT_EQ(store->chunks("j_1")[1].live_segments, 1);
}

}  // namespace
}  // namespace soundscripter

namespace soundscripter {
namespace {

TEST_P(job_store_contract, CountsQueuedJobsByPriorityAndRunsBeyondTheFirst) {
  auto store = open();
  auto job_with_priority = [](const std::string& id, int priority) {
    Job job = make_job(id, 1);
    job.request.priority = priority;
    return job;
  };
  store->create(job_with_priority("j_high", 8));
  store->create(job_with_priority("j_high2", 8));
  store->create(job_with_priority("j_low", 2));
  store->create(job_with_priority("j_running", 2));
  store->transition("j_running", {JobState::queued}, JobState::processing);
  const auto counts = open()->count_queued_by_priority();
  ASSERT_EQ(counts.size(), 10u);
  for (int priority = 0; priority <= 9; ++priority) {
    EXPECT_EQ(counts[priority].first, priority);
    EXPECT_EQ(counts[priority].second, priority == 8 ? 2 : priority == 2 ? 1 : 0) << priority;
  }

  EXPECT_EQ(store->reruns(), 0);
  // A second and a third run of one job, and a second run of one chunk.
  for (int run = 0; run < 2; ++run) {
    store->transition("j_running", {JobState::processing}, JobState::queued);
    store->transition("j_running", {JobState::queued}, JobState::processing);
  }
  store->split_job("j_running", {{0, 10}, {10, 10}});
  store->transition_chunk("j_running", 1, {ChunkState::queued}, ChunkState::processing);
  store->transition_chunk("j_running", 1, {ChunkState::processing}, ChunkState::processing);
  EXPECT_EQ(open()->reruns(), 3);
}

}  // namespace
}  // namespace soundscripter

namespace soundscripter {
namespace {

TEST_P(job_store_contract, EventsOfEveryJobHavePositionsInTheOrderTheyWereWritten) {
  auto store = open();
  store->create(make_job("j_a", 1));
  store->create(make_job("j_b", 2));
  store->append_event("j_a", "state", {{"state", "queued"}});
  store->append_event("j_b", "state", {{"state", "queued"}});
  open()->append_event("j_a", "progress", {{"progress", 0.5}});  // from another process
  store->append_event("j_b", "progress", {{"progress", 0.25}});

  const auto first = store->event_position("j_a", 1);
  ASSERT_TRUE(first);
  EXPECT_FALSE(store->event_position("j_a", 9));
  EXPECT_FALSE(store->event_position("j_missing", 1));
  auto describe = [](const std::vector<JobEvent>& events) {
    std::vector<std::string> out;
    for (const JobEvent& event : events) out.push_back(event.job + ":" + std::to_string(event.seq));
    return out;
  };
  EXPECT_EQ(describe(open()->events_after_position(*first, 10)),
            (std::vector<std::string>{"j_b:1", "j_a:2", "j_b:2"}));
  EXPECT_EQ(describe(store->events_after_position(*first, 2)), (std::vector<std::string>{"j_b:1", "j_a:2"}));
  EXPECT_EQ(store->events_after_position(*first, 10)[1].data, nlohmann::json({{"progress", 0.5}}));
  const auto last = store->event_position("j_b", 2);
  ASSERT_TRUE(last);
  EXPECT_TRUE(store->events_after_position(*last, 10).empty());
  store->remove("j_b");
  EXPECT_EQ(describe(store->events_after_position(*first, 10)), (std::vector<std::string>{"j_a:2"}));
}

}  // namespace
}  // namespace soundscripter

namespace soundscripter {
namespace {

TEST_P(job_store_contract, ARetryWithNewOptionsTakesTheRequestAndForgetsTheOldChunks) {
  auto store = open();
  store->create(make_job("j_1", 1));
  store->transition("j_1", {JobState::queued}, JobState::processing);
  store->split_job("j_1", {{0, 10}, {10, 10}});
  store->set_progress("j_1", 0.5);
  JobRequest changed;
  changed.language = "de";
  changed.engine = "sphinx";
  changed.translate = true;
  // Compare and set: a running job is not retried.
  EXPECT_FALSE(store->requeue_with_request("j_1", {JobState::failed, JobState::cancelled}, changed));
  EXPECT_EQ(store->get("j_1")->request.language, "auto");
  EXPECT_EQ(store->chunks("j_1").size(), 2u);

  store->transition("j_1", {JobState::processing}, JobState::failed, "corrupt_media", "bad");
  EXPECT_TRUE(open()->requeue_with_request("j_1", {JobState::failed, JobState::cancelled}, changed));
  const Job job = *store->get("j_1");
  EXPECT_EQ(job.state, JobState::queued);
  EXPECT_EQ(job.request.language, "de");
  EXPECT_EQ(job.request.engine, "sphinx");
  EXPECT_TRUE(job.request.translate);
  EXPECT_EQ(job.progress, 0);
  EXPECT_TRUE(job.error_code.empty());
  EXPECT_TRUE(store->chunks("j_1").empty());
  EXPECT_FALSE(store->requeue_with_request("missing", {JobState::failed}, changed));
}

TEST_P(job_store_contract, CountsJobsCompletedSinceATime) {
  auto store = open();
  for (const char* id : {"j_1", "j_2", "j_3"}) {
    store->create(make_job(id, 1));
    store->transition(id, {JobState::queued}, JobState::processing);
  }
  const double before = unix_now() - 1;
  store->transition("j_1", {JobState::processing}, JobState::completed);
  store->transition("j_2", {JobState::processing}, JobState::completed);
  store->transition("j_3", {JobState::processing}, JobState::failed, "internal", "x");
  EXPECT_EQ(open()->count_completed_since(before), 2);
  EXPECT_EQ(store->count_completed_since(unix_now() + 60), 0);
}

}  // namespace
}  // namespace soundscripter
