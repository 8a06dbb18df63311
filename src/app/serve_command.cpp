// `soundscripter serve`: the whole service on one box.
//
// Embedded mode builds every part in this process: the SQLite job store,
// the in-process queue and event bus, a pool of worker threads and the HTTP
// API. The order below is the order of dependence; each step says why.
#include <pthread.h>
#include <signal.h>

#include <condition_variable>
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
#include "util/environment.hpp"
#include "util/error.hpp"
#include "jobs/retention_sweeper.hpp"
#include "queue/outbox.hpp"
#include "util/logging.hpp"
#include "worker/worker_heartbeat.hpp"
#include "worker/worker_pool.hpp"

namespace soundscripter {
namespace {

// SIGINT and SIGTERM are blocked in every thread and taken by sigwait in
// main, so shutdown runs as ordinary code instead of in a signal handler.
sigset_t shutdown_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  return set;
}

void remove_stale_uploads(const std::filesystem::path& upload_dir) {
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(upload_dir, ec)) {
    std::filesystem::remove(entry.path(), ec);
  }
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
  if (!config.broker_url.empty() || !config.redis_url.empty() || !config.database_url.empty()) {
    throw Error(ErrorCode::invalid_argument,
                "distributed mode (broker_url, redis_url, database_url) is not available in this build yet");
  }

  // 1. Signals first, so every thread started below inherits the mask.
  sigset_t signals = shutdown_signals();
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  // 2. Storage: jobs survive restarts; uploads in flight do not.
  const auto upload_dir = config.data_dir / "uploads";
  const auto media_dir = config.data_dir / "media";
  std::filesystem::create_directories(upload_dir);
  std::filesystem::create_directories(media_dir);
  remove_stale_uploads(upload_dir);
  auto store = make_sqlite_job_store((config.data_dir / "jobs.db").string());

  // 3. Queue and events, in-process.
  auto queue = make_in_process_queue();
  auto bus = make_in_process_event_bus();
  JobEvents events(*store, *bus);

  // 4. Recovery: a job that was running when the last process died runs again.
  for (const auto& job : store->requeue_interrupted()) {
    events.state(job.id, JobState::queued, {{"reason", "recovered after a restart"}});
  }
  std::size_t recovered = 0;
  for (const auto& job : store->queued_jobs()) {
    queue->push(ticket_for(job));
    store->mark_published(job.id);
    ++recovered;
  }

  // 5. The default engine is loaded now, so a bad model fails at start-up.
  EngineCache engines({config.engine, config.model});
  Engine& default_engine = engines.preload_default();

  // 6. Workers share that engine: one model in memory, a state per job.
  ServiceMetrics metrics;
  const std::string worker_id = new_worker_id();
  auto reporter = make_store_job_reporter(*store, events, *bus, worker_id);
  auto media_source = make_directory_media_source(media_dir);
  JobRunnerContext runner{*reporter, *media_source, engines,
                          ChunkingOptions{static_cast<double>(config.chunk_length.count()), 20},
                          config.threads_per_job, 3,
                          [&metrics](const JobRunReport& report) {
                            metrics.jobs_finished.with({std::string(to_string(report.outcome))}).inc();
                            metrics.job_seconds.with({}).observe(report.wall_seconds);
                            if (!report.engine.empty() && report.audio_seconds > 0) {
                              metrics.engine_seconds.with({report.engine}).observe(report.wall_seconds);
                              metrics.real_time_factor.with({report.engine})
                                  .observe(report.wall_seconds / report.audio_seconds);
                            }
                          }};
  WorkerPool workers(WorkerPoolOptions{config.worker_count()}, *queue, runner);
  workers.start();
  WorkerHeartbeat heartbeat(*store, workers,
                            {worker_id, host_name(), workers.size(), 0, {},
                             {default_engine.name()}, unix_now(), 0});

  // 7. The API.
  ApiKeys keys = load_api_keys(config.api_keys_file, config.api_keys, resolved.origin("api_keys"));
  ApiServices services{*store, *queue, *bus, events, metrics, media_dir, config.engine, config.model, {}};
  Router router;
  add_job_routes(router, services);
  add_event_routes(router, services);
  add_openai_routes(router, services);
  add_system_routes(router, services);
  add_docs_routes(router);
  DispatcherOptions dispatch;
  dispatch.max_upload_bytes = config.max_upload_size;
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
  HttpServer server(http, dispatcher);
  services.open_streams = [&server] { return server.open_streams(); };
  metrics.registry.computed_gauge("soundscripter_jobs", "Jobs by state", {"state"}, [&store] {
    MetricsRegistry::ComputedSamples samples;
    for (const auto& [state, count] : store->count_by_state()) {
      samples.push_back({{std::string(to_string(state))}, static_cast<double>(count)});
    }
    return samples;
  });
  metrics.registry.computed_gauge("soundscripter_queue_depth", "Jobs waiting for a worker", {},
                                  [&queue] { return MetricsRegistry::ComputedSamples{{{}, static_cast<double>(queue->depth())}}; });
  metrics.registry.computed_gauge("soundscripter_sse_clients", "Open event streams", {},
                                  [&server] { return MetricsRegistry::ComputedSamples{{{}, static_cast<double>(server.open_streams())}}; });
  metrics.registry.computed_gauge("soundscripter_workers_busy", "Workers running a job", {},
                                  [&workers] { return MetricsRegistry::ComputedSamples{{{}, static_cast<double>(workers.busy())}}; });
  server.start();

  // 8. Old media and results are removed in the background; jobs the queue
  // could not take at upload are pushed once it can.
  RetentionSweeper retention(*store, config.retention);
  OutboxDrainer outbox(*store, *queue);

  const std::string base = "http://" + (config.host.find(':') != std::string::npos ? "[" + config.host + "]" : config.host) +
                           ":" + std::to_string(server.port());
  std::printf("SoundScripter is listening on %s\n  web page: %s/\n  API docs: %s/docs\n  metrics:  %s/metrics\n",
              base.c_str(), base.c_str(), base.c_str(), base.c_str());
  std::fflush(stdout);
  spdlog::info("serving on {} with {} workers, engine {} ({}), {} jobs queued, data in {}", base,
               workers.size(), default_engine.name(), default_engine.model_description(), recovered,
               config.data_dir.string());

  // 9. Until SIGINT or SIGTERM; then stop accepting, end streams, let
  // requests and running jobs finish within the grace period, and put the
  // jobs still running after it back in the queue for next time.
  int signal_number = 0;
  sigwait(&signals, &signal_number);
  spdlog::info("signal {}: shutting down", signal_number);
  const auto grace_end = std::chrono::steady_clock::now() + config.shutdown_grace;
  auto grace_left = [&] {
    return std::chrono::duration_cast<std::chrono::milliseconds>(grace_end - std::chrono::steady_clock::now());
  };
  server.stop(grace_left());
  workers.stop(std::max(grace_left(), std::chrono::milliseconds(0)));
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
