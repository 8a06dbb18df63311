#include "client/server_address.hpp"

#include "util/error.hpp"

namespace soundscripter {

ServerAddress resolve_server_address(const std::string& flag_url, const std::string& flag_key,
                                     const Environment& environment) {
  ServerAddress address;
  std::string url_origin = "the default";
  // 2: the environment.
  if (auto url = environment_value(environment, "SOUNDSCRIPTER_SERVER"); !url.empty()) {
    address.url = url;
    url_origin = "SOUNDSCRIPTER_SERVER";
  }
  if (auto key = environment_value(environment, "SOUNDSCRIPTER_API_KEY"); !key.empty()) address.api_key = key;
  // 1: the command line.
  if (!flag_url.empty()) {
    address.url = flag_url;
    url_origin = "--server";
  }
  if (!flag_key.empty()) address.api_key = flag_key;

  if (!address.url.starts_with("http://") && !address.url.starts_with("https://")) {
    throw Error(ErrorCode::invalid_argument,
                url_origin + ": '" + address.url + "' is not an http:// or https:// URL");
  }
  while (address.url.ends_with('/')) address.url.pop_back();
  return address;
}

}  // namespace soundscripter
