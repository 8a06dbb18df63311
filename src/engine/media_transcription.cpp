#include "engine/media_transcription.hpp"

#include <algorithm>
#include <chrono>

#include "engine/transcript_stitcher.hpp"
#include "media/audio_decoder.hpp"
#include "util/error.hpp"

namespace soundscripter {

Transcript transcribe_media(const std::filesystem::path& path, Engine& engine,
                            const EngineOptions& options, const ChunkingOptions& chunking,
                            const TranscriptionCallbacks& callbacks, std::stop_token stop) {
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

}  // namespace soundscripter
