// `soundscripter transcribe FILE...`: the core pipeline over local files.
//
// The engine is loaded once for all files. Each file gets its own progress
// line; a file that fails prints one `error:` line and the others still run;
// the exit status is 1 when any file failed.
#include <csignal>
#include <cstdio>
#include <stop_token>

#include "app/commands.hpp"
#include "app/progress_bar.hpp"
#include "app/transcribe_options.hpp"
#include "app/transcript_output.hpp"
#include "engine/media_transcription.hpp"
#include "models/vad_model.hpp"
#include "util/error.hpp"

namespace soundscripter {
namespace {

// Ctrl-C stops the engine within a second instead of killing the process
// mid-write; a second Ctrl-C kills it.
std::stop_source g_interrupt;
extern "C" void on_interrupt(int) {
  g_interrupt.request_stop();
  std::signal(SIGINT, SIG_DFL);
}

std::string progress_detail(const TranscriptionProgress& p) {
  if (p.elapsed_seconds <= 0 || p.audio_seconds <= 0) return "";
  const double speed = p.audio_seconds / p.elapsed_seconds;
  const double eta = p.fraction > 0 ? p.elapsed_seconds * (1 - p.fraction) / p.fraction : -1;
  char text[96];
  std::snprintf(text, sizeof text, "%.1fx real time, ETA %s", speed, format_clock(eta).c_str());
  return text;
}

void write_outputs(const Transcript& transcript, const std::filesystem::path& input,
                   const TranscribeSettings& settings, bool to_stdout) {
  FormatOptions format_options{settings.max_line_width};
  for (TranscriptFormat format : parse_format_list(settings.formats)) {
    write_transcript_text(render_transcript(transcript, format, format_options),
                          to_stdout ? std::filesystem::path() : transcript_path(input, format, settings.output_dir));
  }
}

int run_transcribe(TranscribeSettings& settings) {
  validate(settings);
  if (settings.options.vad && settings.options.vad_model.empty()) {
    auto vad_model = default_vad_model();
    if (!vad_model) {
      throw Error(ErrorCode::not_found, "--vad needs a Silero VAD model; give --vad-model FILE");
    }
    settings.options.vad_model = vad_model->string();
  }
  if (!settings.output_dir.empty()) std::filesystem::create_directories(settings.output_dir);
  std::unique_ptr<Engine> engine = load_engine(settings.engine);
  if (!settings.quiet) std::fprintf(stderr, "engine: %s, %s\n", engine->name().c_str(), engine->model_description().c_str());

  std::signal(SIGINT, on_interrupt);
  const bool to_stdout = transcripts_to_stdout(settings.files.size(), settings.output_dir);
  int failures = 0;
  for (const auto& file : settings.files) {
    std::filesystem::path input(file);
    ProgressBar bar(input.filename().string());
    TranscriptionCallbacks callbacks;
    TranscriptionProgress last;
    callbacks.on_progress = [&](const TranscriptionProgress& p) {
      last = p;
      if (!settings.quiet) bar.update(p.fraction, progress_detail(p));
    };
    try {
      Transcript transcript = transcribe_media(input, *engine, settings.options, settings.chunking,
                                               callbacks, g_interrupt.get_token());
      if (!settings.quiet) {
        char done[96];
        std::snprintf(done, sizeof done, "done, %.1f s of audio in %.1f s", transcript.duration,
                      last.elapsed_seconds);
        bar.finish(done);
      }
      for (const auto& warning : transcript.warnings) {
        std::fprintf(stderr, "warning: %s\n", warning.c_str());
      }
      write_outputs(transcript, input, settings, to_stdout);
    } catch (const Error& error) {
      ++failures;
      std::fprintf(stderr, "error: %s\n", error.what());
      if (error.code() == ErrorCode::cancelled) break;
    } catch (const std::exception& error) {
      ++failures;
      std::fprintf(stderr, "error: %s: %s\n", file.c_str(), error.what());
    }
  }
  return failures == 0 ? 0 : 1;
}

}  // namespace

void register_transcribe_command(CLI::App& app) {
  auto* command = app.add_subcommand("transcribe", "Transcribe audio and video files");
  auto settings = std::make_shared<TranscribeSettings>();
  add_transcribe_options(*command, *settings);
  command->callback([settings] {
    run_reporting_errors([&] { set_command_exit_status(run_transcribe(*settings)); });
  });
}

}  // namespace soundscripter
