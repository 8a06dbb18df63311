// The embedded mode's EventBus: callbacks run on the publisher's thread,
// through LocalSubscribers (which keeps the promises event_bus.hpp makes:
// no callback after unsubscribing, no lock held during a callback, a
// throwing subscriber harms no other).
#include "events/event_bus.hpp"
#include "events/local_subscribers.hpp"

namespace soundscripter {
namespace {

class InProcessEventBus final : public EventBus {
 public:
  void publish(const JobEvent& event) override { subscribers_->deliver(event); }

  std::unique_ptr<Subscription> subscribe(const std::string& job,
                                          std::function<void(const JobEvent&)> on_event) override {
    return subscribers_->add(job, std::move(on_event));
  }

  bool healthy() override { return true; }

 private:
  std::shared_ptr<LocalSubscribers> subscribers_ = LocalSubscribers::create();
};

}  // namespace

std::unique_ptr<EventBus> make_in_process_event_bus() {
  return std::make_unique<InProcessEventBus>();
}

}  // namespace soundscripter
