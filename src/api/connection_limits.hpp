// Caps on open connections, in all and per client address, so that a
// flood of idle sockets from one address (or many) cannot take every file
// descriptor and lock real users out.
//
// A connection holds a Slot for its whole life; the slot gives its place
// back when it is destroyed, however the connection ended.
#pragma once

#include <cstddef>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

namespace soundscripter {

class ConnectionLimits {
 public:
  // 0 for either means no cap of that kind.
  ConnectionLimits(std::size_t max_total, std::size_t max_per_client);

  class Slot {
   public:
    Slot() = default;
    Slot(Slot&& other) noexcept;
    Slot& operator=(Slot&& other) noexcept;
    Slot(const Slot&) = delete;
    Slot& operator=(const Slot&) = delete;
    ~Slot();

   private:
    friend class ConnectionLimits;
    Slot(ConnectionLimits* limits, std::string client) : limits_(limits), client_(std::move(client)) {}
    void release();
    ConnectionLimits* limits_ = nullptr;
    std::string client_;
  };

  enum class Refusal { server_full, client_full };
  struct Admission {
    std::optional<Slot> slot;          // set when admitted
    std::optional<Refusal> refusal;    // set otherwise
  };
  // client: the peer's address as text ("" when unknown: counted in all only).
  Admission admit(const std::string& client);

  std::size_t open() const;
  std::size_t open_from(const std::string& client) const;

 private:
  void release(const std::string& client);

  const std::size_t max_total_;
  const std::size_t max_per_client_;
  mutable std::mutex mutex_;
  std::size_t open_ = 0;
  std::unordered_map<std::string, std::size_t> per_client_;  // only addresses with a connection open
};

}  // namespace soundscripter
