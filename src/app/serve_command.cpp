// `soundscripter serve`: the HTTP API, and in embedded mode the whole
// service on one box.
//
// connect_service_backends picks each part by configuration: SQLite or
// PostgreSQL, the in-process queue or RabbitMQ, the in-process bus or Redis.
// With the in-process queue, this process also runs the workers (embedded
// mode); with a broker, `soundscripter worker` processes on any machine do,
// unless --workers asks for some here too. The order below is the order of
// dependence; each step says why.
#include <cstdio>
#include <thread>

#include <spdlog/spdlog.h>

#include "api/api_keys.hpp"
#include "api/api_services.hpp"
#include "api/http_server.hpp"
#include "api/router.hpp"
#include "api/service_metrics.hpp"
#include "app/commands.hpp"
#include "app/serve_config.hpp"
#include "app/service_backends.hpp"
#include "app/shutdown_signals.hpp"
#include "jobs/retention_sweeper.hpp"
#include "queue/outbox.hpp"
#include "util/environment.hpp"
#include "util/error.hpp"
#include "util/logging.hpp"
#include "util/open_files_limit.hpp"
#include "worker/worker_node.hpp"

namespace soundscripter {
namespace {

void remove_stale_uploads(const std::filesystem::path& upload_dir) {
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(upload_dir, ec)) {
    std::filesystem::remove(entry.path(), ec);
  }
}

// Media whose job is not in the store: left by an upload whose job could
// not be stored (the disk was full) in a process that died before it could
// remove it. Only files older than any upload in progress: in distributed
// mode another API process may have just moved its upload here and be
// about to store its job.
std::size_t remove_orphan_media(const std::filesystem::path& media_dir, JobStore& store) {
  constexpr auto kOlderThan = std::chrono::minutes(10);
  const auto cutoff = std::filesystem::file_time_type::clock::now() - kOlderThan;
  std::size_t removed = 0;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(media_dir, ec)) {
    std::error_code entry_ec;
    if (!entry.is_regular_file(entry_ec) || entry.last_write_time(entry_ec) > cutoff || entry_ec) continue;
    const std::string job_id = entry.path().stem().string();
    if (store.get(job_id)) continue;
    if (std::filesystem::remove(entry.path(), entry_ec)) ++removed;
  }
  return removed;
}

// Connections must never take the last file descriptors: the store, the
// broker, media files and the workers need some too. The soft limit is
// raised first, then the cap lowered to what fits under it.
std::size_t connection_cap(int wanted) {
  constexpr std::uint64_t kKeptForTheRest = 256;
  const std::uint64_t open_files = raise_open_files_limit();
  const std::uint64_t fits = open_files > 2 * kKeptForTheRest ? open_files - kKeptForTheRest : open_files / 2;
  std::uint64_t cap = wanted == 0 ? fits : static_cast<std::uint64_t>(wanted);
  if (cap > fits) {
    spdlog::warn("max_connections {} does not fit under the limit of {} open files; using {}",
                 wanted == 0 ? std::string("(no cap)") : std::to_string(wanted), open_files, fits);
    cap = fits;
  }
  spdlog::info("open files: {} allowed for this process; at most {} connections", open_files, cap);
  return static_cast<std::size_t>(cap);
}

// Whether an upload of `incoming` bytes leaves the data disk its reserve.
std::function<bool(std::uint64_t)> disk_reserve_check(const ServeConfig& config) {
  if (config.min_free_disk == 0) return {};
  return [dir = config.data_dir, reserve = config.min_free_disk](std::uint64_t incoming) {
    std::error_code ec;
    const auto space = std::filesystem::space(dir, ec);
    if (ec) return true;  // unknown: the write itself will say if it fails
    return space.available >= reserve && space.available - reserve >= incoming;
  };
}

int run_serve(const ServeCommandLine& command_line) {
  ResolvedServeConfig resolved = resolve_serve_config(command_line, process_environment());
  if (command_line.show_config) {
    std::fputs(show_serve_config(resolved).c_str(), stdout);
    return 0;
  }
  validate_serve_config(resolved);
  const ServeConfig& config = resolved.config;
  configure_logging(config.log_format, config.log_level);

  // 1. Signals first, so every thread started below inherits the mask.
  ShutdownSignals signals;

  // 2. Storage: jobs survive restarts; uploads in flight do not.
  const auto upload_dir = config.data_dir / "uploads";
  const auto media_dir = config.data_dir / "media";
  std::filesystem::create_directories(upload_dir);
  std::filesystem::create_directories(media_dir);
  remove_stale_uploads(upload_dir);

  // 3. Store, queue and events: embedded or distributed, by configuration.
  const int local_workers = !config.broker_url.empty() && config.workers == 0 ? 0 : config.worker_count();
  ServiceBackends backends =
      connect_service_backends(config, local_workers, [&signals] { return signals.arrived(); });
  JobStore& store = *backends.store;
  Queue& queue = *backends.queue;
  EventBus& bus = *backends.bus;
  JobEvents events(store, bus);
  if (const std::size_t orphans = remove_orphan_media(media_dir, store); orphans > 0) {
    spdlog::warn("removed {} media files that belonged to no job", orphans);
  }

  // 4. Recovery, embedded mode only (a broker keeps its own messages, and
  // another process's jobs are not ours to touch): a job that was running
  // when the last process died runs again, and the queue, which lived in
  // memory, is filled again from the store.
  std::size_t recovered = 0;
  if (backends.queue_in_process) {
    for (const auto& job : store.requeue_interrupted()) {
      events.state(job.id, JobState::queued, {{"reason", "recovered after a restart"}});
    }
    for (const auto& job : store.queued_jobs()) {
      if (publish_job(queue, store, job)) ++recovered;
    }
  }

  // 5. Workers in this process (embedded mode), sharing one loaded model.
  ServiceMetrics metrics;
  std::unique_ptr<WorkerNode> workers;
  if (local_workers > 0) {
    WorkerNodeOptions options = worker_node_options(config, local_workers);
    options.on_finished = [&metrics](const JobRunReport& report) { metrics.record_job(report); };
    workers = std::make_unique<WorkerNode>(store, events, bus, queue,
                                           make_directory_media_source(media_dir), options);
  }

  // 7. The API.
  ApiKeys keys = load_api_keys(config.api_keys_file, config.api_keys, resolved.origin("api_keys"));
  // The engine jobs get when they name none: what the workers here loaded
  // when the configuration leaves it to them, else the one its model file
  // is for (workers elsewhere load the same name).
  const std::string default_engine =
      !config.engine.empty() ? config.engine
      : workers             ? workers->default_engine().name()
                            : engine_for_model(config.model);
  ApiServices services{store,          queue,        bus, events, metrics, media_dir,
                       default_engine, config.model, {},  {},     config.public_metrics,
                       config.max_queued_per_key, static_cast<double>(config.max_media_duration.count())};
  services.backend_names = {{"store", backends.store_name},
                            {"queue", backends.queue_name},
                            {"events", backends.bus_name}};
  services.max_upload_bytes = config.max_upload_size;
  Router router;
  add_job_routes(router, services);
  add_event_routes(router, services);
  add_openai_routes(router, services);
  add_system_routes(router, services);
  add_capability_routes(router, services);
  add_docs_routes(router);
  DispatcherOptions dispatch;
  dispatch.max_upload_bytes = config.max_upload_size;
  dispatch.has_room_for = disk_reserve_check(config);
  dispatch.cors = CorsPolicy(config.cors_origins);
  if (!keys.empty()) {
    dispatch.authenticate = [&keys](std::string_view token) { return keys.identify(token); };
  }
  dispatch.on_request = [&metrics](const std::string& route, const std::string& method, int status,
                                   double seconds) {
    metrics.http_requests.with({route, method, std::to_string(status)}).inc();
    metrics.http_seconds.with({route}).observe(seconds);
  };
  Dispatcher dispatcher(router, dispatch);
  HttpServerOptions http;
  http.host = config.host;
  http.port = static_cast<std::uint16_t>(config.port);
  http.upload_dir = upload_dir;
  http.header_timeout = config.header_timeout;
  http.transfer_timeout = config.transfer_timeout;
  http.keepalive_timeout = config.keepalive_timeout;
  http.max_connections = connection_cap(config.max_connections);
  http.max_connections_per_client = static_cast<std::size_t>(config.max_connections_per_client);
  http.tls_cert = config.tls_cert;
  http.tls_key = config.tls_key;
  HttpServer server(http, dispatcher);
  services.open_streams = [&server] { return server.open_streams(); };
  add_service_gauges(
      metrics, store, queue, [&server] { return static_cast<double>(server.open_streams()); },
      [&workers] { return workers ? static_cast<double>(workers->pool().busy()) : 0.0; },
      [&backends] { return static_cast<double>(backends.dead_letters()); });
  server.start();

  // 8. Old media and results are removed in the background; jobs the queue
  // could not take at upload are pushed once it can.
  RetentionSweeper retention(store, config.retention);
  OutboxDrainer outbox(store, queue);

  const std::string base = std::string(config.tls_cert.empty() ? "http" : "https") + "://" + (config.host.find(':') != std::string::npos ? "[" + config.host + "]" : config.host) +
                           ":" + std::to_string(server.port());
  std::printf("SoundScripter is listening on %s\n  web page: %s/\n  API docs: %s/docs\n  metrics:  %s/metrics\n",
              base.c_str(), base.c_str(), base.c_str(), base.c_str());
  std::fflush(stdout);
  spdlog::info("serving on {}: store {}, queue {}, events {}; {} workers here{}, {} jobs queued again, data in {}",
               base, backends.store_name, backends.queue_name, backends.bus_name, local_workers,
               workers ? " (engine " + workers->default_engine().name() + ", " +
                             workers->default_engine().model_description() + ")"
                       : std::string(),
               recovered, config.data_dir.string());

  // 9. Until SIGINT or SIGTERM; then stop accepting, end streams, let
  // requests and running jobs finish within the grace period, and put the
  // jobs still running after it back in the queue for next time.
  const int signal_number = signals.wait();
  spdlog::info("signal {}: shutting down", signal_number);
  const auto grace_end = std::chrono::steady_clock::now() + config.shutdown_grace;
  auto grace_left = [&] {
    return std::chrono::duration_cast<std::chrono::milliseconds>(grace_end - std::chrono::steady_clock::now());
  };
  server.stop(grace_left());
  if (workers) workers->stop(std::max(grace_left(), std::chrono::milliseconds(0)));
  spdlog::info("stopped");
  return 0;
}

}  // namespace

void register_serve_command(CLI::App& app) {
  auto* command = app.add_subcommand("serve", "Run the HTTP API, queue and workers (embedded mode)");
  auto command_line = std::make_shared<ServeCommandLine>();
  add_serve_options(*command, *command_line, default_serve_config(process_environment()));
  command->callback([command_line] {
    run_reporting_errors([&] { set_command_exit_status(run_serve(*command_line)); });
  });
}

}  // namespace soundscripter
