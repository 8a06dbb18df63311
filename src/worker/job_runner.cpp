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

namespace {

JobOutcome run_job_steps(const std::string& job_id, JobRunnerContext& context, std::stop_token stop,
                         const std::atomic<bool>& shutting_down, JobRunReport& report) {
  LogContext log_context({{"job", job_id}});
  auto& store = context.store;
  if (!store.transition(job_id, {JobState::queued}, JobState::processing)) {
    return JobOutcome::skipped;
  }
  context.events.state(job_id, JobState::processing);
  auto job = store.get(job_id);
  if (!job) return JobOutcome::skipped;
  spdlog::info("job started: {} ({:.1f} s of media)", job->name, job->media_duration);

  try {
    Engine& engine = context.engines.get(job->request.engine, job->request.model);
    report.engine = engine.name();
    EngineOptions options = engine_options_for(job->request, context.threads_per_job);
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
      guarded([&] { context.events.progress(job_id, p.fraction); });
    };
    callbacks.on_segment = [&](const Segment& segment) {
      guarded([&] { context.events.segment(job_id, segment); });
    };
    Transcript transcript =
        transcribe_media(job->media_path, engine, options, context.chunking, callbacks, stop);
    report.audio_seconds = transcript.duration;
    store.save_result(job_id, transcript);
    if (!store.transition(job_id, {JobState::processing}, JobState::completed)) {
      return JobOutcome::cancelled;  // cancelled (and maybe deleted) while finishing
    }
    context.events.progress(job_id, 1.0);
    context.events.state(job_id, JobState::completed,
                         {{"language", transcript.language}, {"duration", transcript.duration}});
    spdlog::info("job completed: {} segments", transcript.segments.size());
    return JobOutcome::completed;
  } catch (const Error& error) {
    if (error.code() == ErrorCode::cancelled) {
      if (shutting_down && store.transition(job_id, {JobState::processing}, JobState::queued)) {
        context.events.state(job_id, JobState::queued, {{"reason", "server shutting down"}});
        spdlog::info("job interrupted by shutdown; queued again");
        return JobOutcome::interrupted;
      }
      if (store.transition(job_id, {JobState::processing}, JobState::cancelled)) {
        context.events.state(job_id, JobState::cancelled);
      }
      spdlog::info("job cancelled");
      return JobOutcome::cancelled;
    }
    // Errors name the stored file (by path or by name); the uploader knows
    // it by its own name.
    std::string message = error.what();
    const std::string stored_name = std::filesystem::path(job->media_path).filename().string();
    for (const std::string& stored : {job->media_path, stored_name}) {
      for (auto at = message.find(stored); !stored.empty() && at != std::string::npos;
           at = message.find(stored, at + job->media_filename.size())) {
        message.replace(at, stored.size(), job->media_filename);
      }
    }
    if (store.transition(job_id, {JobState::processing}, JobState::failed,
                         std::string(to_string(error.code())), message)) {
      context.events.error(job_id, std::string(to_string(error.code())), message);
      context.events.state(job_id, JobState::failed);
    }
    spdlog::warn("job failed: {}", message);
    return JobOutcome::failed;
  }
}

}  // namespace

JobOutcome run_job(const std::string& job_id, JobRunnerContext& context, std::stop_token stop,
                   const std::atomic<bool>& shutting_down) {
  const auto started = std::chrono::steady_clock::now();
  JobRunReport report{JobOutcome::skipped, "", 0, 0};
  report.outcome = run_job_steps(job_id, context, stop, shutting_down, report);
  report.wall_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  if (context.on_finished && report.outcome != JobOutcome::skipped) context.on_finished(report);
  return report.outcome;
}

}  // namespace soundscripter
