#include "support/test_servers.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <mutex>
#include <random>
#include <stdexcept>

#include "support/process.hpp"

namespace soundscripter::test {
namespace {

std::string script_for(const std::string& name) {
  return std::string(TESTS_SOURCE_DIR) + "/../scripts/servers/" + name;
}

std::string env_name(const std::string& name) {
  std::string upper = name;
  std::transform(upper.begin(), upper.end(), upper.begin(), ::toupper);
  return "SOUNDSCRIPTER_TEST_" + upper + "_URL";
}

std::string trim(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return text;
}

// Servers this process started, stopped at exit.
struct OwnServers {
  std::mutex mutex;
  std::map<std::string, std::pair<std::string, std::string>> started;  // name -> (dir, url)

  ~OwnServers() {
    for (const auto& [name, started_server] : started) {
      run_process({script_for(name), "stop", started_server.first}, 60);
      std::error_code ignored;
      std::filesystem::remove_all(started_server.first, ignored);
    }
  }
};

OwnServers& own_servers() {
  static OwnServers servers;
  return servers;
}

void run_script(const std::string& name, const std::string& verb, const std::string& dir) {
  ProcessResult result = run_process({script_for(name), verb, dir}, 120);
  if (result.exit_code != 0) {
    throw std::runtime_error("scripts/servers/" + name + " " + verb + " " + dir + " failed:\n" +
                             result.out + result.err);
  }
}

}  // namespace

std::string test_server_url(const std::string& name) {
  if (const char* url = std::getenv(env_name(name).c_str()); url && *url) return url;
  OwnServers& servers = own_servers();
  std::lock_guard lock(servers.mutex);
  if (auto found = servers.started.find(name); found != servers.started.end()) {
    return found->second.second;
  }
  const std::string dir = (std::filesystem::temp_directory_path() /
                           ("soundscripter-" + name + "-" + std::to_string(getpid())))
                              .string();
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  ProcessResult result = run_process({script_for(name), "start", dir}, 120);
  if (result.exit_code != 0) {
    throw std::runtime_error("starting a " + name + " server for the tests failed:\n" + result.out +
                             result.err);
  }
  const std::string url = trim(result.out.substr(result.out.rfind('\n', result.out.size() - 2) + 1));
  servers.started[name] = {dir, url};
  return url;
}

std::string test_server_dir(const std::string& name) {
  if (const char* dir = std::getenv("SOUNDSCRIPTER_TEST_SERVERS_DIR"); dir && *dir) {
    return std::string(dir) + "/" + name;
  }
  test_server_url(name);
  OwnServers& servers = own_servers();
  std::lock_guard lock(servers.mutex);
  return servers.started.at(name).first;
}

void control_test_server(const std::string& name, const std::string& verb) {
  run_script(name, verb, test_server_dir(name));
}

std::string fresh_postgres_database() {
  const std::string server = test_server_url("postgres");
  const std::string name = unique_test_name("db");
  ProcessResult result = run_process({"psql", server, "-q", "-v", "ON_ERROR_STOP=1", "-c",
                                      "CREATE DATABASE " + name}, 60);
  if (result.exit_code != 0) {
    throw std::runtime_error("creating database " + name + " on " + server + " failed:\n" +
                             result.out + result.err);
  }
  // postgresql://user@host:port/DB?options: the database is the last path part.
  const auto slash = server.find('/', server.find("://") + 3);
  const auto query = server.find('?');
  std::string url = slash == std::string::npos ? server + "/" : server.substr(0, slash + 1);
  url += name;
  if (query != std::string::npos) url += server.substr(query);
  return url;
}

std::string unique_test_name(const std::string& prefix) {
  thread_local std::mt19937_64 random{std::random_device{}()};
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(random()));
  return prefix + "_" + hex;
}

}  // namespace soundscripter::test
