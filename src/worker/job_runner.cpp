#include "worker/job_runner.hpp"

#include <spdlog/spdlog.h>

#include <chrono>
#include <algorithm>
#include <filesystem>
#include <optional>

#include "engine/media_transcription.hpp"
#include "media/audio_decoder.hpp"
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
    case JobOutcome::split: return "split";
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
         code == ErrorCode::internal || code == ErrorCode::insufficient_storage;
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

// Reports made inside the engine (through whisper.cpp's C callbacks), where
// an exception must not pass. A failure to record one (the job was deleted
// meanwhile, and its cancel is on the way) only costs the event.
template <typename Record>
void guarded(const std::string& job_id, const Record& record) {
  try {
    record();
  } catch (const std::exception& error) {
    spdlog::debug("job {}: event not recorded: {}", job_id, error.what());
  }
}

bool worth_splitting(const JobTicket& ticket, const JobRunnerContext& context, const ChunkingOptions& chunking) {
  return context.split_into != nullptr && !ticket.chunk && chunking.chunk_seconds > 0 &&
         ticket.media_duration > chunking.chunk_seconds;
}

// Cuts the job's audio as transcribe_media would and puts one ticket per
// chunk on the queue. Nothing when it turns out to be one chunk (the
// probe's duration was off): then it runs whole here.
std::optional<JobOutcome> split_into_chunks(const JobTicket& ticket, const std::filesystem::path& media,
                                            Engine& engine, const EngineOptions& options,
                                            const ChunkingOptions& chunking, JobRunnerContext& context,
                                            std::stop_token stop) {
  ChunkPlan plan = plan_chunks(media, chunking, stop);
  if (plan.spans.size() < 2) return std::nullopt;
  // Every chunk gets the language of the first, as one run would give them.
  std::string language = options.language;
  if (const std::string detected = engine.detect_language(plan.first_chunk, options); !detected.empty()) {
    language = detected;
  }
  plan.first_chunk = {};
  const std::vector<JobChunk> chunks = context.reporter.split(ticket.job_id, plan.spans);
  // A ticket for every chunk not done: one still held by a worker that
  // looks alive (its heartbeat is young, though it may have died with the
  // process that split the job before) waits as held_elsewhere until that
  // worker finishes it or is gone, and then runs here or anywhere.
  int queued = 0;
  for (const JobChunk& chunk : chunks) {
    if (chunk.state == ChunkState::done) continue;
    JobTicket piece = ticket;
    piece.request.language = language;
    piece.chunk = ChunkOfJob{chunk.index, static_cast<int>(chunks.size()), chunk.span};
    context.split_into->push(piece);
    ++queued;
  }
  spdlog::info("job split into {} chunks ({} to run, language {})", chunks.size(), queued, language);
  const bool all_done = std::all_of(chunks.begin(), chunks.end(),
                                    [](const JobChunk& chunk) { return chunk.state == ChunkState::done; });
  if (all_done && chunks.back().transcript) {
    // Split before, and every chunk finished, but the job was not completed
    // (its last worker died in between): complete it now.
    context.reporter.chunk_completed(ticket.job_id, chunks.back().index, *chunks.back().transcript,
                                     language);
  }
  return JobOutcome::split;
}

JobOutcome run_job_steps(const JobTicket& delivered, bool redelivered, JobRunnerContext& context,
                         std::stop_token outer_stop, const std::atomic<bool>& shutting_down,
                         JobRunReport& report) {
  JobTicket ticket = delivered;
  const std::string& job_id = ticket.job_id;
  std::vector<std::pair<std::string, std::string>> log_fields{{"job", job_id}};
  if (ticket.chunk) log_fields.emplace_back("chunk", std::to_string(ticket.chunk->index));
  LogContext log_context(std::move(log_fields));
  JobReporter& reporter = context.reporter;
  const JobReporter::Start start = ticket.chunk ? reporter.chunk_started(job_id, ticket.chunk->index, ticket.request)
                                                : reporter.started(job_id, redelivered);
  if (start.verdict == JobReporter::Start::Verdict::stale) return JobOutcome::skipped;
  if (start.verdict == JobReporter::Start::Verdict::held_elsewhere) {
    spdlog::info("redelivered while another live worker runs it; looking again later");
    return JobOutcome::held_elsewhere;
  }
  if (start.request) ticket.request = *start.request;
  const int attempt = report.attempt = start.attempt;
  report.chunk = ticket.chunk.has_value();
  if (ticket.chunk) {
    spdlog::info("chunk {} of {} started: {:.1f} s at {:.1f} s of {} (attempt {})",
                 ticket.chunk->index + 1, ticket.chunk->count,
                 static_cast<double>(ticket.chunk->span.sample_count) / kSampleRate,
                 static_cast<double>(ticket.chunk->span.start_sample) / kSampleRate,
                 ticket.media_filename, attempt);
  } else {
    spdlog::info("job started: {} ({:.1f} s of media, attempt {})", ticket.media_filename,
                 ticket.media_duration, attempt);
  }

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
    if (ticket.chunk) {
      const ChunkOfJob& chunk = *ticket.chunk;
      const bool last = chunk.index + 1 == chunk.count;
      EngineCallbacks callbacks;
      callbacks.on_progress = [&](float fraction) {
        guarded(job_id, [&] { reporter.chunk_progress(job_id, chunk.index, fraction); });
      };
      auto send_live = reporter.live_chunk_segments(job_id, chunk.index);
      callbacks.on_segment = [&](const Segment& segment) {
        guarded(job_id, [&] { send_live(segment); });
      };
      Transcript part = transcribe_span(local_path, chunk.span, last, engine, options, callbacks,
                                        job_stop.get_token());
      report.audio_seconds = static_cast<double>(chunk.span.sample_count) / kSampleRate;
      if (!reporter.chunk_completed(job_id, chunk.index, part, ticket.request.language)) {
        return JobOutcome::cancelled;
      }
      spdlog::info("chunk {} of {} completed: {} segments", chunk.index + 1, chunk.count,
                   part.segments.size());
      return JobOutcome::completed;
    }
    const ChunkingOptions chunking = resolve_chunking(context.chunking, engine);
    if (worth_splitting(ticket, context, chunking)) {
      if (auto outcome = split_into_chunks(ticket, local_path, engine, options, chunking, context,
                                           job_stop.get_token())) {
        return *outcome;
      }
    }
    TranscriptionCallbacks callbacks;
    callbacks.on_progress = [&](const TranscriptionProgress& p) {
      guarded(job_id, [&] { reporter.progress(job_id, p.fraction); });
    };
    callbacks.on_segment = [&](const Segment& segment) {
      guarded(job_id, [&] { reporter.segment(job_id, segment); });
    };
    Transcript transcript = transcribe_media(local_path, engine, options, chunking, callbacks,
                                             job_stop.get_token());
    report.audio_seconds = transcript.duration;
    if (!reporter.completed(job_id, transcript)) {
      return JobOutcome::cancelled;  // cancelled (and maybe deleted) while finishing
    }
    spdlog::info("job completed: {} segments", transcript.segments.size());
    return JobOutcome::completed;
  } catch (const Error& error) {
    auto requeue = [&](const std::string& reason) {
      if (ticket.chunk) {
        reporter.chunk_requeued(job_id, ticket.chunk->index);
      } else {
        reporter.requeued(job_id, reason);
      }
    };
    if (error.code() == ErrorCode::cancelled) {
      if (shutting_down && !cancelled_by_user) {
        requeue("worker shutting down");
        spdlog::info("interrupted by shutdown; queued again");
        return JobOutcome::interrupted;
      }
      reporter.cancelled(job_id);
      spdlog::info("cancelled");
      return JobOutcome::cancelled;
    }
    const std::string message = as_uploaded(error.what(), local_path, ticket.media_filename);
    if (is_transient_failure(error.code()) && attempt < context.max_attempts) {
      requeue("attempt " + std::to_string(attempt) + " failed: " + message);
      spdlog::warn("attempt {} failed, will retry: {}", attempt, message);
      return JobOutcome::retry;
    }
    if (!reporter.failed(job_id, error.code(), message)) {
      // Cancelled or deleted meanwhile (which is how its media went).
      spdlog::info("cancelled while it ran ({})", message);
      return JobOutcome::cancelled;
    }
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
