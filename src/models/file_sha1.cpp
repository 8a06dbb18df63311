// Hashes with OpenSSL's EVP interface (libcrypto), which every Debian system
// has and which uses the CPU's SHA extensions where there are any: a 3 GB
// large model hashes in seconds.
#include "models/file_sha1.hpp"

#include <fcntl.h>
#include <openssl/evp.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <vector>

#include "models/unique_fd.hpp"
#include "util/error.hpp"

namespace soundscripter {
namespace {

struct EvpContextFree {
  void operator()(EVP_MD_CTX* context) const { EVP_MD_CTX_free(context); }
};
using EvpContext = std::unique_ptr<EVP_MD_CTX, EvpContextFree>;

std::string digest_hex_of_file(const std::filesystem::path& path, const EVP_MD* algorithm,
                               const char* algorithm_name) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) {
    throw Error(ErrorCode::not_found, path.string() + ": cannot open: " + std::strerror(errno));
  }

  EvpContext context(EVP_MD_CTX_new());
  if (!context || EVP_DigestInit_ex(context.get(), algorithm, nullptr) != 1) {
    throw Error(ErrorCode::internal, std::string(algorithm_name) + ": OpenSSL could not start a digest");
  }
  std::vector<unsigned char> buffer(1 << 20);
  for (;;) {
    const ssize_t n = ::read(fd.get(), buffer.data(), buffer.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      throw Error(ErrorCode::internal, path.string() + ": read failed: " + std::strerror(errno));
    }
    if (n == 0) break;
    EVP_DigestUpdate(context.get(), buffer.data(), static_cast<size_t>(n));
  }
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int digest_size = 0;
  if (EVP_DigestFinal_ex(context.get(), digest, &digest_size) != 1) {
    throw Error(ErrorCode::internal, std::string(algorithm_name) + ": OpenSSL could not finish the digest");
  }
  static constexpr char hex_digits[] = "0123456789abcdef";
  std::string hex;
  for (unsigned int i = 0; i < digest_size; ++i) {
    hex += hex_digits[digest[i] >> 4];
    hex += hex_digits[digest[i] & 0xF];
  }
  return hex;
}

}  // namespace

std::string sha1_hex_of_file(const std::filesystem::path& path) {
  return digest_hex_of_file(path, EVP_sha1(), "SHA-1");
}

std::string sha256_hex_of_file(const std::filesystem::path& path) {
  return digest_hex_of_file(path, EVP_sha256(), "SHA-256");
}

}  // namespace soundscripter
