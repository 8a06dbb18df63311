// `soundscripter jobs requeue-dead`: puts the jobs in RabbitMQ's
// dead-letter queue (every job that failed, and messages that were not
// jobs) back to work. Each failed job goes back to `queued` in the store,
// with an event saying why, then its message back onto the jobs queue;
// messages that are not job tickets stay where they are.
//
// `jobs list|show|cancel|delete|download` talk to a running server instead;
// they live in remote_jobs_command.cpp.
#include <cstdio>

#include <spdlog/spdlog.h>

#include "app/commands.hpp"
#include "app/serve_config.hpp"
#include "app/serve_config_keys.hpp"
#include "app/service_backends.hpp"
#include "events/job_events.hpp"
#include "queue/rabbitmq_queue.hpp"
#include "util/environment.hpp"
#include "util/error.hpp"
#include "util/logging.hpp"

namespace soundscripter {
namespace {

int requeue_dead(const ServeCommandLine& command_line) {
  ResolvedServeConfig resolved = resolve_serve_config(command_line, process_environment());
  const ServeConfig& config = resolved.config;
  if (config.broker_url.empty()) {
    throw Error(ErrorCode::invalid_argument,
                "requeue-dead needs the broker: --broker-url or SOUNDSCRIPTER_BROKER_URL");
  }
  configure_logging(LogFormat::text, config.log_level);
  RabbitQueueOptions options;
  options.url = config.broker_url;
  options.name = config.queue_name;
  std::int64_t moved = 0;
  if (config.database_url.empty()) {
    moved = rabbitmq_requeue_dead_letters(options);
  } else {
    ServiceBackends backends = connect_service_backends(config, 1, [] { return true; });
    JobEvents events(*backends.store, *backends.bus);
    moved = rabbitmq_requeue_dead_letters(options, [&](const JobTicket& ticket) {
      if (backends.store->transition(ticket.job_id, {JobState::failed}, JobState::queued)) {
        events.state(ticket.job_id, JobState::queued, {{"reason", "requeued from the dead-letter queue"}});
      }
    });
  }
  std::printf("%lld jobs put back on %s\n", static_cast<long long>(moved), config.queue_name.c_str());
  return 0;
}

}  // namespace

void register_jobs_command(CLI::App& app) {
  auto* jobs = app.add_subcommand("jobs", "Manage the jobs on a server, and the job queue (distributed mode)");
  jobs->require_subcommand(1);
  add_remote_jobs_commands(*jobs);
  auto* requeue = jobs->add_subcommand(
      "requeue-dead", "Put the jobs in RabbitMQ's dead-letter queue back to work");
  auto command_line = std::make_shared<ServeCommandLine>();
  add_serve_options(*requeue, *command_line, default_serve_config(process_environment()), kForWorker);
  requeue->callback([command_line] {
    run_reporting_errors([&] { set_command_exit_status(requeue_dead(*command_line)); });
  });
}

}  // namespace soundscripter
