// SHA-256 fed piece by piece, for data that streams past once (uploads) and
// for short strings (API key ids).
#pragma once

#include <memory>
#include <string>
#include <string_view>

namespace soundscripter {

class Sha256 {
 public:
  Sha256();  // throws Error(internal) if OpenSSL cannot start a digest
  ~Sha256();
  Sha256(Sha256&&) noexcept;
  Sha256& operator=(Sha256&&) noexcept;

  void update(std::string_view bytes);
  // Lower-case hex of everything fed so far; the object is spent afterwards.
  std::string finish_hex();

  static std::string hex_of(std::string_view bytes);

 private:
  struct Context;
  std::unique_ptr<Context> context_;
};

}  // namespace soundscripter
