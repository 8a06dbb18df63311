// The outbox: a job the queue could not take stays unpublished and is
// pushed by the drainer once the queue answers again, exactly once.
#include <atomic>

#include <gtest/gtest.h>

#include "queue/outbox.hpp"
#include "support/temp_dir.hpp"
#include "util/error.hpp"

namespace soundscripter {
namespace {

using namespace std::chrono_literals;

// The in-process queue behind a switch that makes push fail like a broker that is down.
class SwitchableQueue final : public Queue {
 public:
  void push(const JobTicket& ticket) override {
    if (down) throw Error(ErrorCode::backend_unavailable, "broker down (test)");
    ++pushes;
    inner_->push(ticket);
  }
  std::unique_ptr<Delivery> pop(std::stop_token stop) override { return inner_->pop(stop); }
  std::int64_t depth() override { return inner_->depth(); }
  bool healthy() override { return !down; }

  std::atomic<bool> down{false};
  std::atomic<int> pushes{0};

 private:
  std::unique_ptr<Queue> inner_ = make_in_process_queue();
};

class queue_outbox : public ::testing::Test {
 protected:
  Job make_job(const std::string& id, double created_at) {
    Job job;
    job.id = id;
    job.created_at = created_at;
    job.media_path = "/media/" + id + ".wav";
    store_->create(job);
    return job;
  }

  test::TempDir dir_{"soundscripter-outbox"};
  std::unique_ptr<JobStore> store_ = make_sqlite_job_store((dir_ / "jobs.db").string());
  SwitchableQueue queue_;
};

TEST_F(queue_outbox, APublishedJobLeavesTheOutbox) {
  Job job = make_job("j_1", unix_now() - 60);
  EXPECT_EQ(store_->unpublished(unix_now(), 10).size(), 1u);
  EXPECT_TRUE(publish_job(queue_, *store_, job));
  EXPECT_TRUE(store_->unpublished(unix_now(), 10).empty());
  EXPECT_EQ(queue_.depth(), 1);
}

TEST_F(queue_outbox, AJobTheBrokerRefusedIsPushedOnceItIsBack) {
  queue_.down = true;
  Job job = make_job("j_1", unix_now() - 60);
  EXPECT_FALSE(publish_job(queue_, *store_, job));
  OutboxDrainer drainer(*store_, queue_, 1h, 1s);  // drained by hand below
  EXPECT_EQ(drainer.drain(), 0u);
  EXPECT_EQ(store_->unpublished(unix_now(), 10).size(), 1u);

  queue_.down = false;
  EXPECT_EQ(drainer.drain(), 1u);
  EXPECT_EQ(drainer.drain(), 0u);  // never twice
  EXPECT_EQ(queue_.pushes, 1);
  std::stop_source stop;
  auto delivery = queue_.pop(stop.get_token());
  ASSERT_TRUE(delivery);
  EXPECT_EQ(delivery->ticket().job_id, "j_1");
  EXPECT_EQ(delivery->ticket().media_file, "j_1.wav");
}

TEST_F(queue_outbox, AJobStillBeingPublishedByItsUploadIsLeftAlone) {
  make_job("young", unix_now());
  make_job("old", unix_now() - 60);
  OutboxDrainer drainer(*store_, queue_, 1h, 30s);
  EXPECT_EQ(drainer.drain(), 1u);
  auto left = store_->unpublished(unix_now() + 1, 10);
  ASSERT_EQ(left.size(), 1u);
  EXPECT_EQ(left[0].id, "young");
}

TEST_F(queue_outbox, TheDrainerRunsByItself) {
  queue_.down = true;
  make_job("j_1", unix_now() - 60);
  OutboxDrainer drainer(*store_, queue_, 20ms, 0ms);
  queue_.down = false;
  const auto deadline = std::chrono::steady_clock::now() + 5s;
  while (queue_.pushes == 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(10ms);
  }
  EXPECT_EQ(queue_.pushes, 1);
}

}  // namespace
}  // namespace soundscripter
