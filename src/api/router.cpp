#include "api/router.hpp"

#include <algorithm>

namespace soundscripter {
namespace {

bool match_pattern(const std::vector<std::string>& pattern, const std::vector<std::string>& path,
                   std::map<std::string, std::string>* params) {
  if (pattern.size() != path.size()) return false;
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    const std::string& part = pattern[i];
    if (part.size() > 2 && part.front() == '{' && part.back() == '}') {
      if (path[i].empty()) return false;
      if (params) (*params)[part.substr(1, part.size() - 2)] = path[i];
    } else if (part != path[i]) {
      return false;
    }
  }
  return true;
}

}  // namespace

std::vector<std::string> split_path(const std::string& path) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (start <= path.size()) {
    std::size_t slash = path.find('/', start);
    if (slash == std::string::npos) slash = path.size();
    if (slash > start) parts.push_back(path.substr(start, slash - start));
    start = slash + 1;
  }
  return parts;
}

void Router::add(Route route) {
  patterns_.push_back(split_path(route.pattern));
  routes_.push_back(std::move(route));
}

const Route* Router::match(const std::string& method, const std::string& path,
                           std::map<std::string, std::string>& params) const {
  const auto parts = split_path(path);
  for (std::size_t i = 0; i < routes_.size(); ++i) {
    if (routes_[i].method != method) continue;
    std::map<std::string, std::string> found;
    if (match_pattern(patterns_[i], parts, &found)) {
      params = std::move(found);
      return &routes_[i];
    }
  }
  return nullptr;
}

std::vector<std::string> Router::allowed_methods(const std::string& path) const {
  const auto parts = split_path(path);
  std::vector<std::string> methods;
  for (std::size_t i = 0; i < routes_.size(); ++i) {
    const std::string& method = routes_[i].method;
    if (match_pattern(patterns_[i], parts, nullptr) &&
        std::find(methods.begin(), methods.end(), method) == methods.end()) {
      methods.push_back(method);
    }
  }
  return methods;
}

}  // namespace soundscripter
