#include "engine/media_transcription.hpp"

#include <algorithm>
#include <chrono>

#include "engine/transcript_stitcher.hpp"
#include "media/audio_decoder.hpp"
#include "util/error.hpp"

namespace soundscripter {

ChunkingOptions resolve_chunking(ChunkingOptions chunking, const Engine& engine) {
  if (chunking.chunk_seconds < 0) chunking.chunk_seconds = engine.default_chunk_seconds();
  return chunking;
}

Transcript transcribe_media(const std::filesystem::path& path, Engine& engine,
                            const EngineOptions& options, const ChunkingOptions& requested_chunking,
                            const TranscriptionCallbacks& callbacks, std::stop_token stop) {
  const ChunkingOptions chunking = resolve_chunking(requested_chunking, engine);
  const auto started = std::chrono::steady_clock::now();
  auto elapsed = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  };
  AudioDecoder decoder(path);  // its errors already name the file
  {
    const double stated_duration = decoder.info().duration;
    AudioChunker chunker(
        [&](std::vector<float>& out, std::size_t n) { return decoder.read(out, n); }, chunking);

    TranscriptionProgress progress;
    auto report = [&](double audio_seconds) {
      if (!callbacks.on_progress) return;
      progress.audio_seconds = audio_seconds;
      progress.elapsed_seconds = elapsed();
      double total = std::max(stated_duration, audio_seconds);
      progress.fraction = total > 0 ? std::min(1.0, audio_seconds / total) : 0;
      callbacks.on_progress(progress);
    };

    TranscriptStitcher stitcher;
    EngineOptions chunk_options = options;
    while (auto chunk = chunker.next()) {
      if (stop.stop_requested()) throw Error(ErrorCode::cancelled, "transcription cancelled");
      const double offset = static_cast<double>(chunk->start_sample) / kSampleRate;
      const double length = static_cast<double>(chunk->samples.size()) / kSampleRate;
      EngineCallbacks engine_callbacks;
      engine_callbacks.on_progress = [&](float fraction) { report(offset + fraction * length); };
      engine_callbacks.on_segment = [&](const Segment& segment) {
        if (callbacks.on_segment) {
          callbacks.on_segment(TranscriptStitcher::place_segment(segment, offset, offset, offset + length));
        }
      };
      Transcript part;
      try {
        part = engine.transcribe(chunk->samples, chunk_options, engine_callbacks, stop);
      } catch (const Error& error) {
        if (error.code() == ErrorCode::cancelled) throw;
        throw error.with_context(path.filename().string());
      }
      stitcher.add_chunk(part, offset, length);
      // Later chunks keep the language detected in the first, so one
      // recording is not transcribed half in one language, half in another.
      if (chunk_options.language == "auto" && !part.language.empty()) {
        chunk_options.language = part.language;
      }
      report(offset + length);
    }
    Transcript transcript = std::move(stitcher).finish();
    transcript.duration = static_cast<double>(decoder.samples_read()) / kSampleRate;
    if (transcript.language.empty()) {
      transcript.language = options.language == "auto" ? "" : options.language;
    }
    for (const auto& warning : decoder.warnings()) transcript.warnings.push_back(warning);
    return transcript;
  }
}

namespace {

constexpr std::size_t kDecodeBlock = 16000 * 10;

void throw_if_stopped(std::stop_token stop) {
  if (stop.stop_requested()) throw Error(ErrorCode::cancelled, "transcription cancelled");
}

}  // namespace

ChunkPlan plan_chunks(const std::filesystem::path& path, const ChunkingOptions& chunking,
                      std::stop_token stop) {
  AudioDecoder decoder(path);
  AudioChunker chunker(
      [&](std::vector<float>& out, std::size_t n) { return decoder.read(out, n); }, chunking);
  ChunkPlan plan;
  while (auto chunk = chunker.next()) {
    throw_if_stopped(stop);
    plan.spans.push_back({chunk->start_sample, static_cast<std::int64_t>(chunk->samples.size())});
    if (chunk->index == 0) plan.first_chunk = std::move(chunk->samples);
  }
  return plan;
}

Transcript transcribe_span(const std::filesystem::path& path, const AudioSpan& span, bool last,
                           Engine& engine, const EngineOptions& options,
                           const EngineCallbacks& callbacks, std::stop_token stop) {
  AudioDecoder decoder(path);
  // Decoding from the start, not seeking: a decoder and resampler started
  // mid-file give slightly different samples for a while, and the chunk
  // must be exactly the one planned.
  std::vector<float> skipped;
  for (std::int64_t position = 0; position < span.start_sample;) {
    throw_if_stopped(stop);
    skipped.clear();
    const auto want = static_cast<std::size_t>(
        std::min<std::int64_t>(static_cast<std::int64_t>(kDecodeBlock), span.start_sample - position));
    const std::size_t got = decoder.read(skipped, want);
    if (got == 0) break;
    position += static_cast<std::int64_t>(got);
  }
  std::vector<float> samples;
  samples.reserve(static_cast<std::size_t>(span.sample_count));
  while (samples.size() < static_cast<std::size_t>(span.sample_count)) {
    throw_if_stopped(stop);
    if (decoder.read(samples, static_cast<std::size_t>(span.sample_count) - samples.size()) == 0) break;
  }
  if (decoder.samples_read() != span.start_sample + span.sample_count) {
    throw Error(ErrorCode::internal,
                path.filename().string() + ": decoded " + std::to_string(decoder.samples_read()) +
                    " samples where the chunk planned ends at " +
                    std::to_string(span.start_sample + span.sample_count));
  }
  Transcript part;
  try {
    part = engine.transcribe(samples, options, callbacks, stop);
  } catch (const Error& error) {
    if (error.code() == ErrorCode::cancelled) throw;
    throw error.with_context(path.filename().string());
  }
  if (last) {
    skipped.clear();
    while (decoder.read(skipped, kDecodeBlock) > 0) skipped.clear();  // to the end, for its warnings
    for (const auto& warning : decoder.warnings()) part.warnings.push_back(warning);
  }
  return part;
}

Transcript stitch_spans(const std::vector<SpanTranscript>& chunks,
                        const std::string& requested_language) {
  TranscriptStitcher stitcher;
  std::int64_t samples = 0;
  for (const auto& [span, transcript] : chunks) {
    const double offset = static_cast<double>(span.start_sample) / kSampleRate;
    const double length = static_cast<double>(span.sample_count) / kSampleRate;
    stitcher.add_chunk(*transcript, offset, length);
    samples = span.start_sample + span.sample_count;
  }
  Transcript whole = std::move(stitcher).finish();
  whole.duration = static_cast<double>(samples) / kSampleRate;
  if (whole.language.empty()) whole.language = requested_language == "auto" ? "" : requested_language;
  return whole;
}

}  // namespace soundscripter
