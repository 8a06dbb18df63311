// OpenSSL's EVP interface, as models/file_sha1.cpp uses for SHA-1: it picks
// the CPU's SHA extensions where there are any, so hashing an upload while
// it streams in costs far less than receiving it.
#include "api/sha256.hpp"

#include <openssl/evp.h>

#include "util/error.hpp"

namespace soundscripter {

struct Sha256::Context {
  struct Free {
    void operator()(EVP_MD_CTX* context) const { EVP_MD_CTX_free(context); }
  };
  std::unique_ptr<EVP_MD_CTX, Free> evp{EVP_MD_CTX_new()};
};

Sha256::Sha256() : context_(std::make_unique<Context>()) {
  if (!context_->evp || EVP_DigestInit_ex(context_->evp.get(), EVP_sha256(), nullptr) != 1) {
    throw Error(ErrorCode::internal, "SHA-256: OpenSSL could not start a digest");
  }
}

Sha256::~Sha256() = default;
Sha256::Sha256(Sha256&&) noexcept = default;
Sha256& Sha256::operator=(Sha256&&) noexcept = default;

void Sha256::update(std::string_view bytes) {
  if (bytes.empty()) return;
  if (EVP_DigestUpdate(context_->evp.get(), bytes.data(), bytes.size()) != 1) {
    throw Error(ErrorCode::internal, "SHA-256: OpenSSL could not hash the data");
  }
}

std::string Sha256::finish_hex() {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int digest_size = 0;
  if (EVP_DigestFinal_ex(context_->evp.get(), digest, &digest_size) != 1) {
    throw Error(ErrorCode::internal, "SHA-256: OpenSSL could not finish the digest");
  }
  static constexpr char hex_digits[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(2 * digest_size);
  for (unsigned int i = 0; i < digest_size; ++i) {
    hex += hex_digits[digest[i] >> 4];
    hex += hex_digits[digest[i] & 0xF];
  }
  return hex;
}

std::string Sha256::hex_of(std::string_view bytes) {
  Sha256 hash;
  hash.update(bytes);
  return hash.finish_hex();
}

}  // namespace soundscripter
