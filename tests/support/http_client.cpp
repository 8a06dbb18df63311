// libcurl easy handles, one per request; headers and body are collected by
// write callbacks. See http_client.hpp.
#include "support/http_client.hpp"

#include <curl/curl.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <mutex>

#include "support/curl_handles.hpp"

namespace soundscripter::test {
namespace {

// A request that takes longer than this is a hang, not a slow answer.
constexpr long kRequestTimeoutMs = 180'000;

size_t append_body(char* data, size_t size, size_t count, void* user) {
  static_cast<std::string*>(user)->append(data, size * count);
  return size * count;
}

// Header lines arrive one per call, with the status line and the blank
// line too; each new status line (a 100 Continue, then the real one)
// starts the list over.
size_t append_header(char* data, size_t size, size_t count, void* user) {
  auto& headers = *static_cast<Headers*>(user);
  std::string line(data, size * count);
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.pop_back();
  if (line.starts_with("HTTP/")) {
    headers.clear();
  } else if (auto colon = line.find(':'); colon != std::string::npos) {
    std::string value = line.substr(colon + 1);
    while (!value.empty() && value.front() == ' ') value.erase(0, 1);
    headers.emplace_back(line.substr(0, colon), value);
  }
  return size * count;
}

bool same_name(const std::string& a, const std::string& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  }
  return true;
}

// Runs a prepared handle to the end and fills the reply.
HttpReply perform(CURL* curl, const std::string& url, CurlHeaderList& header_list,
                  const std::filesystem::path& ca_file) {
  HttpReply reply;
  if (!ca_file.empty()) curl_easy_setopt(curl, CURLOPT_CAINFO, ca_file.c_str());
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, header_list.get());
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, append_body);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &reply.body);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, append_header);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &reply.headers);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, kRequestTimeoutMs);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  const auto started = std::chrono::steady_clock::now();
  const CURLcode code = curl_easy_perform(curl);
  reply.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &reply.status);
  curl_off_t uploaded = 0;
  curl_easy_getinfo(curl, CURLINFO_SIZE_UPLOAD_T, &uploaded);
  reply.uploaded = static_cast<std::uint64_t>(uploaded);
  if (code != CURLE_OK) reply.error = curl_easy_strerror(code);
  return reply;
}

// Filler for FormPart::generated: a repeating byte pattern, counted down.
struct Generated {
  std::uint64_t left;
  static size_t read(char* buffer, size_t size, size_t count, void* user) {
    auto& self = *static_cast<Generated*>(user);
    const size_t n = static_cast<size_t>(std::min<std::uint64_t>(self.left, size * count));
    for (size_t i = 0; i < n; ++i) buffer[i] = static_cast<char>('a' + i % 26);
    self.left -= n;
    return n;
  }
};

}  // namespace

std::optional<std::string> HttpReply::header(const std::string& name) const {
  for (const auto& [key, value] : headers) {
    if (same_name(key, name)) return value;
  }
  return std::nullopt;
}

nlohmann::json HttpReply::json() const {
  try {
    return nlohmann::json::parse(body);
  } catch (const std::exception& error) {
    ADD_FAILURE() << "not JSON (" << error.what() << "): " << describe();
    return nullptr;
  }
}

std::string HttpReply::describe() const {
  std::string text = std::to_string(status) + " " + body.substr(0, 2000);
  if (!error.empty()) text += " [curl: " + error + "]";
  return text;
}

HttpClient::HttpClient(std::string base_url, Headers default_headers)
    : base_url_(std::move(base_url)), default_headers_(std::move(default_headers)) {
  static std::once_flag init;
  std::call_once(init, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

void HttpClient::set_default_header(const std::string& name, const std::string& value) {
  for (auto& [key, existing] : default_headers_) {
    if (same_name(key, name)) {
      existing = value;
      return;
    }
  }
  default_headers_.emplace_back(name, value);
}

HttpReply HttpClient::get(const std::string& path, const Headers& headers) const {
  return request("GET", path, headers);
}

HttpReply HttpClient::del(const std::string& path, const Headers& headers) const {
  return request("DELETE", path, headers);
}

HttpReply HttpClient::post(const std::string& path, const std::string& body, const std::string& content_type,
                           const Headers& headers) const {
  Headers all = headers;
  if (!content_type.empty()) all.emplace_back("Content-Type", content_type);
  return request("POST", path, all, body);
}

HttpReply HttpClient::request(const std::string& method, const std::string& path, const Headers& headers,
                              const std::string& body) const {
  CurlHandle curl;
  CurlHeaderList header_list(default_headers_, headers);
  curl_easy_setopt(curl.get(), CURLOPT_CUSTOMREQUEST, method.c_str());
  if (method == "POST" || method == "PUT" || method == "PATCH") {
    curl_easy_setopt(curl.get(), CURLOPT_POSTFIELDS, body.data());
    curl_easy_setopt(curl.get(), CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  } else if (method == "HEAD") {
    curl_easy_setopt(curl.get(), CURLOPT_NOBODY, 1L);
  }
  return perform(curl.get(), base_url_ + path, header_list, ca_file_);
}

HttpReply HttpClient::post_form(const std::string& path, const std::vector<FormPart>& parts, const Headers& headers,
                                bool chunked) const {
  CurlHandle curl;
  std::unique_ptr<curl_mime, decltype(&curl_mime_free)> mime(curl_mime_init(curl.get()), &curl_mime_free);
  std::vector<std::unique_ptr<Generated>> generated;
  for (const auto& part : parts) {
    curl_mimepart* added = curl_mime_addpart(mime.get());
    curl_mime_name(added, part.name.c_str());
    if (part.generated_bytes > 0) {
      generated.push_back(std::make_unique<Generated>(Generated{part.generated_bytes}));
      curl_mime_data_cb(added, static_cast<curl_off_t>(part.generated_bytes), &Generated::read, nullptr, nullptr,
                        generated.back().get());
      curl_mime_filename(added, part.filename.c_str());
    } else if (!part.file.empty()) {
      curl_mime_filedata(added, part.file.c_str());
      if (!part.filename.empty()) curl_mime_filename(added, part.filename.c_str());
    } else {
      curl_mime_data(added, part.value.data(), part.value.size());
    }
    if (!part.content_type.empty()) curl_mime_type(added, part.content_type.c_str());
  }
  Headers all = headers;
  // Without "Expect:" curl waits for a 100 Continue before large bodies.
  all.emplace_back("Expect", "");
  if (chunked) all.emplace_back("Transfer-Encoding", "chunked");
  CurlHeaderList header_list(default_headers_, all);
  curl_easy_setopt(curl.get(), CURLOPT_MIMEPOST, mime.get());
  return perform(curl.get(), base_url_ + path, header_list, ca_file_);
}

}  // namespace soundscripter::test
