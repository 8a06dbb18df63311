#include "worker/job_runner.hpp"

#include <spdlog/spdlog.h>

#include <chrono>
#include <filesystem>

#include "engine/media_transcription.hpp"
#include "models/vad_model.hpp"
#include "util/error.hpp"
#include "util/logging.hpp"

namespace soundscripter {

std::string_view to_string(JobOutcome outcome) {
  switch (outcome) {
    case JobOutcome::completed: return "completed";
    case JobOutcome::failed: return "failed";
    case JobOutcome::cancelled: return "cancelled";
    case JobOutcome::interrupted: return "interrupted";
    case JobOutcome::retry: return "retry";
    case JobOutcome::held_elsewhere: return "held_elsewhere";
    case JobOutcome::skipped: return "skipped";
  }
  return "failed";
}

EngineOptions engine_options_for(const JobRequest& request, int threads) {
  EngineOptions options;
  options.threads = threads;
  options.language = request.language.empty() ? "auto" : request.language;
  options.translate = request.translate;
  options.word_timestamps = request.word_timestamps;
  options.initial_prompt = request.prompt;
  options.temperature = request.temperature;
  options.beam_size = request.beam_size;
  options.best_of = request.best_of;
  options.no_fallback = request.no_fallback;
  options.vad = request.vad;
  return options;
}

bool is_transient_failure(ErrorCode code) {
  return code == ErrorCode::backend_unavailable || code == ErrorCode::timeout ||
         code == ErrorCode::internal;
}

namespace {

// Errors name the stored file (by path or by name); the uploader knows it
// by its own name.
std::string as_uploaded(std::string message, const std::filesystem::path& local,
                        const std::string& uploaded_name) {
  for (const std::string& stored : {local.string(), local.filename().string()}) {
    for (auto at = message.find(stored); !stored.empty() && at != std::string::npos;
         at = message.find(stored, at + uploaded_name.size())) {
      message.replace(at, stored.size(), uploaded_name);
    }
  }
  return message;
}

JobOutcome run_job_steps(const JobTicket& ticket, bool redelivered, JobRunnerContext& context,
                         std::stop_token outer_stop, const std::atomic<bool>& shutting_down,
                         JobRunReport& report) {
  const std::string& job_id = ticket.job_id;
  LogContext log_context({{"job", job_id}});
  JobReporter& reporter = context.reporter;
  const JobReporter::Start start = reporter.started(job_id, redelivered);
  if (start.verdict == JobReporter::Start::Verdict::stale) return JobOutcome::skipped;
  if (start.verdict == JobReporter::Start::Verdict::held_elsewhere) {
    spdlog::info("job redelivered while another live worker runs it; looking again later");
    return JobOutcome::held_elsewhere;
  }
  const int attempt = report.attempt = start.attempt;
  spdlog::info("job started: {} ({:.1f} s of media, attempt {})", ticket.media_filename,
               ticket.media_duration, attempt);

  // A cancel from anywhere (the API of any process) stops the engine.
  std::stop_source job_stop;
  std::stop_callback forward_stop(outer_stop, [&job_stop] { job_stop.request_stop(); });
  std::atomic<bool> cancelled_by_user{false};
  auto cancel_watch = reporter.watch_cancel(job_id, [&] {
    cancelled_by_user = true;
    job_stop.request_stop();
  });

  std::filesystem::path local_path;
  try {
    std::unique_ptr<LocalMedia> media = context.media.fetch(ticket);
    local_path = media->path();
    Engine& engine = context.engines.get(ticket.request.engine, ticket.request.model);
    report.engine = engine.name();
    EngineOptions options = engine_options_for(ticket.request, context.threads_per_job);
    if (options.vad) {
      auto vad_model = default_vad_model();
      if (!vad_model) {
        throw Error(ErrorCode::not_found, "vad was asked for, but this server has no Silero VAD model");
      }
      options.vad_model = vad_model->string();
    }
    TranscriptionCallbacks callbacks;
    // These run inside the engine (through whisper.cpp's C callbacks), where
    // an exception must not pass. A failure to record an event (the job was
    // deleted meanwhile, and its cancel is on the way) only costs the event.
    auto guarded = [&job_id](const auto& record) {
      try {
        record();
      } catch (const std::exception& error) {
        spdlog::debug("job {}: event not recorded: {}", job_id, error.what());
      }
    };
    callbacks.on_progress = [&](const TranscriptionProgress& p) {
      guarded([&] { reporter.progress(job_id, p.fraction); });
    };
    callbacks.on_segment = [&](const Segment& segment) {
      guarded([&] { reporter.segment(job_id, segment); });
    };
    Transcript transcript = transcribe_media(local_path, engine, options, context.chunking,
                                             callbacks, job_stop.get_token());
    report.audio_seconds = transcript.duration;
    if (!reporter.completed(job_id, transcript)) {
      return JobOutcome::cancelled;  // cancelled (and maybe deleted) while finishing
    }
    spdlog::info("job completed: {} segments", transcript.segments.size());
    return JobOutcome::completed;
  } catch (const Error& error) {
    if (error.code() == ErrorCode::cancelled) {
      if (shutting_down && !cancelled_by_user) {
        reporter.requeued(job_id, "worker shutting down");
        spdlog::info("job interrupted by shutdown; queued again");
        return JobOutcome::interrupted;
      }
      reporter.cancelled(job_id);
      spdlog::info("job cancelled");
      return JobOutcome::cancelled;
    }
    const std::string message = as_uploaded(error.what(), local_path, ticket.media_filename);
    if (is_transient_failure(error.code()) && attempt < context.max_attempts) {
      reporter.requeued(job_id, "attempt " + std::to_string(attempt) + " failed: " + message);
      spdlog::warn("job attempt {} failed, will retry: {}", attempt, message);
      return JobOutcome::retry;
    }
    reporter.failed(job_id, error.code(), message);
    spdlog::warn("job failed: {}", message);
    return JobOutcome::failed;
  }
}

}  // namespace

JobRunReport run_job(const JobTicket& ticket, bool redelivered, JobRunnerContext& context,
                     std::stop_token stop, const std::atomic<bool>& shutting_down) {
  const auto started = std::chrono::steady_clock::now();
  JobRunReport report{JobOutcome::skipped, "", 0, 0, 0};
  report.outcome = run_job_steps(ticket, redelivered, context, stop, shutting_down, report);
  report.wall_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  const bool ran = report.outcome != JobOutcome::skipped && report.outcome != JobOutcome::held_elsewhere;
  if (context.on_finished && ran) context.on_finished(report);
  return report;
}

}  // namespace soundscripter
