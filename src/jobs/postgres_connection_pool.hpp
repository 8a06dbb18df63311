// A few connections to one PostgreSQL database, shared by a store's threads.
//
// A connection serves one thread at a time (libpq connections are not
// thread-safe); a thread that finds all of them busy waits for one. They
// are opened on demand, so an idle process holds one or two rather than
// the whole pool. A connection that broke (the server restarted or went
// away) is closed instead of being given back, and the next caller opens
// a fresh one: the pool recovers by itself once the server is back.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <pqxx/pqxx>

namespace soundscripter::postgres {

class ConnectionPool {
 public:
  // conninfo: a libpq URL or key=value string; size: at most this many
  // connections at once (at least 1).
  ConnectionPool(std::string conninfo, int size);
  ~ConnectionPool();
  ConnectionPool(const ConnectionPool&) = delete;
  ConnectionPool& operator=(const ConnectionPool&) = delete;

  struct Pooled;  // a connection and what belongs with it

  // One connection, the caller's alone until the lease ends.
  class Lease {
   public:
    ~Lease();
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;

    pqxx::connection& connection();
    // Whether it served earlier calls: a reused connection can have gone
    // stale (the server restarted since) without anyone noticing yet.
    bool reused() const { return reused_; }
    // It broke: close it at the end of the lease instead of keeping it.
    void discard() { discard_ = true; }

   private:
    friend class ConnectionPool;
    Lease(ConnectionPool& pool, std::unique_ptr<Pooled> pooled, bool reused);

    ConnectionPool& pool_;
    std::unique_ptr<Pooled> pooled_;
    bool reused_;
    bool discard_ = false;
  };

  // An idle connection, or a new one while fewer than `size` are open;
  // otherwise waits. Throws Error(backend_unavailable) with "connect: "
  // and libpq's reason when a new one cannot be opened.
  Lease acquire();

  // Closes every idle connection. Called when one turned out broken: the
  // others were most likely cut by the same restart, and finding that out
  // one failed call at a time would fail calls that could have succeeded.
  void discard_idle();

 private:
  void give_back(std::unique_ptr<Pooled> pooled, bool keep);
  std::unique_ptr<Pooled> open();

  const std::string conninfo_;
  const int size_;
  std::mutex mutex_;
  std::condition_variable released_;
  std::vector<std::unique_ptr<Pooled>> idle_;
  int open_count_ = 0;  // idle, leased, and being opened
};

}  // namespace soundscripter::postgres
