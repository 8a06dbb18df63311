// Sets (or unsets) an environment variable for one test and puts the old
// value back afterwards; child processes started meanwhile inherit it.
#pragma once

#include <cstdlib>
#include <optional>
#include <string>

namespace soundscripter::test {

class ScopedEnv {
 public:
  // value nullopt: the variable is unset for the test.
  ScopedEnv(const char* name, const std::optional<std::string>& value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    if (value) {
      setenv(name, value->c_str(), 1);
    } else {
      unsetenv(name);
    }
  }
  ~ScopedEnv() {
    if (old_) {
      setenv(name_, old_->c_str(), 1);
    } else {
      unsetenv(name_);
    }
  }
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

 private:
  const char* name_;
  std::optional<std::string> old_;
};

}  // namespace soundscripter::test
