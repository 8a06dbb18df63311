// RAII owners of libcurl's easy handle, header list and MIME form, for the
// remote client (`submit`, `jobs list` ...): every transfer the client makes
// is one easy handle, set up and performed on the calling thread.
#pragma once

#include <curl/curl.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace soundscripter {

struct CurlEasyCleanup {
  void operator()(CURL* curl) const { curl_easy_cleanup(curl); }
};
using CurlEasy = std::unique_ptr<CURL, CurlEasyCleanup>;

struct CurlMimeFree {
  void operator()(curl_mime* mime) const { curl_mime_free(mime); }
};
using CurlMime = std::unique_ptr<curl_mime, CurlMimeFree>;

// A new easy handle, after curl_global_init has run once in this process.
// Throws Error(internal) when libcurl cannot make one.
CurlEasy new_curl_easy();

// "Name: value" request headers.
class CurlHeaders {
 public:
  CurlHeaders() = default;
  explicit CurlHeaders(const std::vector<std::pair<std::string, std::string>>& headers) {
    for (const auto& [name, value] : headers) add(name, value);
  }
  ~CurlHeaders() { curl_slist_free_all(list_); }
  CurlHeaders(const CurlHeaders&) = delete;
  CurlHeaders& operator=(const CurlHeaders&) = delete;

  void add(const std::string& name, const std::string& value) {
    list_ = curl_slist_append(list_, (name + ": " + value).c_str());
  }
  // Leaves out a header curl would add itself (Content-Type, Expect).
  void remove(const std::string& name) { list_ = curl_slist_append(list_, (name + ":").c_str()); }
  curl_slist* get() const { return list_; }

 private:
  curl_slist* list_ = nullptr;
};

}  // namespace soundscripter
