#include "support/service_fixture.hpp"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <stdexcept>

#include "support/process.hpp"
#include "support/test_servers.hpp"

namespace soundscripter::test {
int free_tcp_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  socklen_t length = sizeof address;
  if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    if (fd >= 0) ::close(fd);
    throw std::runtime_error("no free port");
  }
  const int port = ntohs(address.sin_port);
  ::close(fd);
  return port;
}

bool distributed_test_mode() {
  const char* mode = std::getenv("SOUNDSCRIPTER_TEST_MODE");
  return mode && std::string(mode) == "distributed";
}

DistributedDeployment new_distributed_deployment() {
  DistributedDeployment deployment;
  deployment.env["SOUNDSCRIPTER_DATABASE_URL"] = fresh_postgres_database();
  deployment.env["SOUNDSCRIPTER_BROKER_URL"] = test_server_url("rabbitmq");
  deployment.env["SOUNDSCRIPTER_REDIS_URL"] = test_server_url("redis");
  deployment.env["SOUNDSCRIPTER_QUEUE_NAME"] = unique_test_name("jobs");
  deployment.api_port = free_tcp_port();
  return deployment;
}

SplitArgs split_for_distributed(const std::vector<std::string>& serve_args) {
  SplitArgs split;
  for (std::size_t i = 0; i < serve_args.size(); ++i) {
    const std::string& flag = serve_args[i];
    const bool has_value = i + 1 < serve_args.size();
    if (flag == "--workers" && has_value) {
      split.workers = std::max(1, std::stoi(serve_args[++i]));
    } else if (flag == "--threads-per-job" && has_value) {
      split.worker.insert(split.worker.end(), {"--threads", serve_args[++i]});
    } else if ((flag == "--engine" || flag == "--model" || flag == "--chunk-length" ||
                flag == "--split-chunks" || flag == "--shutdown-grace") && has_value) {
      split.api.insert(split.api.end(), {flag, serve_args[i + 1]});
      split.worker.insert(split.worker.end(), {flag, serve_args[++i]});
    } else {
      split.api.push_back(flag);
    }
  }
  split.worker.insert(split.worker.end(), {"--slots", "1"});
  return split;
}

}  // namespace soundscripter::test
