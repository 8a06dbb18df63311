// A self-signed certificate for 127.0.0.1 and localhost, made with
// OpenSSL at test time (nothing secret is committed), for HTTPS tests.
#pragma once

#include <filesystem>

namespace soundscripter::test {

struct CertificateFiles {
  std::filesystem::path certificate;  // PEM; also what a client trusts
  std::filesystem::path private_key;  // PEM
};

// Writes cert.pem and key.pem into dir (a P-256 key, valid for a day).
CertificateFiles make_self_signed_certificate(const std::filesystem::path& dir);

}  // namespace soundscripter::test
