#include "client/curl_handles.hpp"

#include <mutex>

#include "util/error.hpp"

namespace soundscripter {

CurlEasy new_curl_easy() {
  // curl_global_init is not thread-safe; once per process is what it wants.
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  CurlEasy curl(curl_easy_init());
  if (!curl) throw Error(ErrorCode::internal, "libcurl could not start a transfer");
  return curl;
}

}  // namespace soundscripter
