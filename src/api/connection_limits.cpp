#include "api/connection_limits.hpp"

#include <utility>

namespace soundscripter {

ConnectionLimits::ConnectionLimits(std::size_t max_total, std::size_t max_per_client)
    : max_total_(max_total), max_per_client_(max_per_client) {}

ConnectionLimits::Slot::Slot(Slot&& other) noexcept
    : limits_(std::exchange(other.limits_, nullptr)), client_(std::move(other.client_)) {}

ConnectionLimits::Slot& ConnectionLimits::Slot::operator=(Slot&& other) noexcept {
  if (this != &other) {
    release();
    limits_ = std::exchange(other.limits_, nullptr);
    client_ = std::move(other.client_);
  }
  return *this;
}

ConnectionLimits::Slot::~Slot() { release(); }

void ConnectionLimits::Slot::release() {
  if (limits_ != nullptr) std::exchange(limits_, nullptr)->release(client_);
}

ConnectionLimits::Admission ConnectionLimits::admit(const std::string& client) {
  std::lock_guard lock(mutex_);
  if (max_total_ != 0 && open_ >= max_total_) return {std::nullopt, Refusal::server_full};
  if (!client.empty()) {
    auto& from_client = per_client_[client];
    if (max_per_client_ != 0 && from_client >= max_per_client_) return {std::nullopt, Refusal::client_full};
    ++from_client;
  }
  ++open_;
  return {Slot(this, client), std::nullopt};
}

void ConnectionLimits::release(const std::string& client) {
  std::lock_guard lock(mutex_);
  --open_;
  if (client.empty()) return;
  auto found = per_client_.find(client);
  if (found != per_client_.end() && --found->second == 0) per_client_.erase(found);
}

std::size_t ConnectionLimits::open() const {
  std::lock_guard lock(mutex_);
  return open_;
}

std::size_t ConnectionLimits::open_from(const std::string& client) const {
  std::lock_guard lock(mutex_);
  auto found = per_client_.find(client);
  return found == per_client_.end() ? 0 : found->second;
}

}  // namespace soundscripter
