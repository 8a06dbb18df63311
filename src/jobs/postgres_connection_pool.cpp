// ConnectionPool (see postgres_connection_pool.hpp).
#include "jobs/postgres_connection_pool.hpp"

#include <algorithm>
#include <string_view>

#include <spdlog/spdlog.h>

#include "jobs/postgres_errors.hpp"

namespace soundscripter::postgres {
namespace {

// Server notices and warnings go to the log instead of libpq's default,
// stderr. NOTICEs (an IF NOT EXISTS that found the table) are chatter;
// WARNINGs deserve to be seen.
class NoticeLogger final : public pqxx::errorhandler {
 public:
  using pqxx::errorhandler::errorhandler;

  bool operator()(const char message[]) noexcept override {
    std::string_view text(message);
    while (!text.empty() && text.back() == '\n') text.remove_suffix(1);
    if (text.starts_with("WARNING")) {
      spdlog::warn("postgresql: {}", text);
    } else {
      spdlog::debug("postgresql: {}", text);
    }
    return false;  // handled: no other handler needs it
  }
};

}  // namespace

// The logger is declared after the connection so that it is destroyed
// first (libpqxx requires a handler to go before its connection).
struct ConnectionPool::Pooled {
  explicit Pooled(const std::string& conninfo) : connection(conninfo), notices(connection) {}
  pqxx::connection connection;
  NoticeLogger notices;
};

ConnectionPool::ConnectionPool(std::string conninfo, int size)
    : conninfo_(std::move(conninfo)), size_(std::max(size, 1)) {}

ConnectionPool::~ConnectionPool() = default;

ConnectionPool::Lease::Lease(ConnectionPool& pool, std::unique_ptr<Pooled> pooled, bool reused)
    : pool_(pool), pooled_(std::move(pooled)), reused_(reused) {}

ConnectionPool::Lease::~Lease() {
  const bool keep = !discard_ && pooled_->connection.is_open();
  pool_.give_back(std::move(pooled_), keep);
}

pqxx::connection& ConnectionPool::Lease::connection() { return pooled_->connection; }

ConnectionPool::Lease ConnectionPool::acquire() {
  {
    std::unique_lock lock(mutex_);
    released_.wait(lock, [&] { return !idle_.empty() || open_count_ < size_; });
    if (!idle_.empty()) {
      std::unique_ptr<Pooled> pooled = std::move(idle_.back());
      idle_.pop_back();
      return Lease(*this, std::move(pooled), true);
    }
    ++open_count_;  // the slot is ours while we connect, outside the lock
  }
  return Lease(*this, open(), false);
}

std::unique_ptr<ConnectionPool::Pooled> ConnectionPool::open() {
  try {
    return std::make_unique<Pooled>(conninfo_);
  } catch (const std::exception& failure) {
    {
      std::lock_guard lock(mutex_);
      --open_count_;
    }
    released_.notify_one();
    // Whatever libpq said, a connection we cannot open is an unavailable
    // server (refused, unknown host, authentication, too many clients).
    throw Error(ErrorCode::backend_unavailable, to_error(failure).what())
        .with_context("connect");
  }
}

void ConnectionPool::give_back(std::unique_ptr<Pooled> pooled, bool keep) {
  {
    std::lock_guard lock(mutex_);
    if (keep) {
      idle_.push_back(std::move(pooled));
    } else {
      --open_count_;
    }
  }
  released_.notify_one();
  // A discarded connection closes here, outside the lock.
}

void ConnectionPool::discard_idle() {
  std::vector<std::unique_ptr<Pooled>> closing;
  {
    std::lock_guard lock(mutex_);
    closing.swap(idle_);
    open_count_ -= static_cast<int>(closing.size());
  }
  released_.notify_all();
}

}  // namespace soundscripter::postgres
