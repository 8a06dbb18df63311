// `soundscripter worker`: a stateless worker process for distributed mode.
//
// It takes job tickets from RabbitMQ, gets each job's media from the API
// over HTTP (or a shared directory), transcribes it with the models it
// keeps loaded, and reports into PostgreSQL and Redis, where every API
// process sees it. Run one or many per machine, on any number of machines.
// SIGTERM: stop taking jobs, let running ones finish within
// --shutdown-grace, hand the rest back to the queue.
#include <unistd.h>

#include <cstdio>
#include <filesystem>

#include <spdlog/spdlog.h>

#include "app/commands.hpp"
#include "app/serve_config.hpp"
#include "app/serve_config_keys.hpp"
#include "app/service_backends.hpp"
#include "app/shutdown_signals.hpp"
#include "util/environment.hpp"
#include "util/logging.hpp"
#include "worker/worker_node.hpp"

namespace soundscripter {
namespace {

std::unique_ptr<MediaSource> media_source_for(const ServeConfig& config) {
  if (!config.media_dir.empty()) return make_directory_media_source(config.media_dir);
  // Downloads live only while their job runs; a per-process folder keeps
  // workers on one machine apart.
  const auto downloads = std::filesystem::temp_directory_path() /
                         ("soundscripter-worker-" + std::to_string(::getpid()));
  return make_http_media_source(config.api_url, downloads);
}

int run_worker(const ServeCommandLine& command_line) {
  ResolvedServeConfig resolved = resolve_serve_config(command_line, process_environment());
  if (command_line.show_config) {
    std::fputs(show_serve_config(resolved).c_str(), stdout);
    return 0;
  }
  validate_worker_config(resolved);
  const ServeConfig& config = resolved.config;
  configure_logging(config.log_format, config.log_level);

  ShutdownSignals signals;  // before any thread starts
  const int slots = config.worker_count();
  ServiceBackends backends =
      connect_service_backends(config, slots, [&signals] { return signals.arrived(); });
  JobEvents events(*backends.store, *backends.bus);

  WorkerNode node(*backends.store, events, *backends.bus, *backends.queue, media_source_for(config),
                  worker_node_options(config, slots));
  std::printf("SoundScripter worker %s: %d slots, engine %s (%s)\n", node.id().c_str(), slots,
              node.default_engine().name().c_str(), node.default_engine().model_description().c_str());
  std::fflush(stdout);
  spdlog::info("worker {} ready: {} slots x {} threads, queue {}, store {}, events {}, media from {}",
               node.id(), slots, config.threads_per_job, backends.queue_name, backends.store_name,
               backends.bus_name, config.media_dir.empty() ? config.api_url : config.media_dir.string());

  const int signal_number = signals.wait();
  spdlog::info("signal {}: finishing running jobs within {} s, handing the rest back", signal_number,
               config.shutdown_grace.count());
  node.stop(config.shutdown_grace);
  spdlog::info("worker {} stopped", node.id());
  return 0;
}

}  // namespace

void register_worker_command(CLI::App& app) {
  auto* command = app.add_subcommand(
      "worker", "Run jobs from RabbitMQ, reporting into PostgreSQL and Redis (distributed mode)");
  auto command_line = std::make_shared<ServeCommandLine>();
  add_serve_options(*command, *command_line, default_serve_config(process_environment()), kForWorker);
  command->callback([command_line] {
    run_reporting_errors([&] { set_command_exit_status(run_worker(*command_line)); });
  });
}

}  // namespace soundscripter
