// RAII owners of libcurl's easy handle and header list, shared by the test
// HTTP client and the SSE reader.
#pragma once

#include <curl/curl.h>

#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace soundscripter::test {

class CurlHandle {
 public:
  CurlHandle() : curl_(curl_easy_init()) {
    if (!curl_) throw std::runtime_error("curl_easy_init failed");
  }
  ~CurlHandle() { curl_easy_cleanup(curl_); }
  CurlHandle(const CurlHandle&) = delete;
  CurlHandle& operator=(const CurlHandle&) = delete;
  CURL* get() const { return curl_; }

 private:
  CURL* curl_;
};

// "Name: value" lines; an empty value is sent as "Name:", which tells curl
// to leave out a header it would add itself (Expect, Content-Type).
class CurlHeaderList {
 public:
  using Pairs = std::vector<std::pair<std::string, std::string>>;
  CurlHeaderList(const Pairs& first, const Pairs& second) {
    for (const Pairs* pairs : {&first, &second}) {
      for (const auto& [name, value] : *pairs) {
        list_ = curl_slist_append(list_, (name + ":" + (value.empty() ? "" : " " + value)).c_str());
      }
    }
  }
  ~CurlHeaderList() { curl_slist_free_all(list_); }
  CurlHeaderList(const CurlHeaderList&) = delete;
  CurlHeaderList& operator=(const CurlHeaderList&) = delete;
  curl_slist* get() const { return list_; }

 private:
  curl_slist* list_ = nullptr;
};

}  // namespace soundscripter::test
