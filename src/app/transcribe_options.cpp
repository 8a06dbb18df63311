#include "app/transcribe_options.hpp"

#include <algorithm>
#include <thread>

#include "util/error.hpp"

namespace soundscripter {

void add_file_arguments(CLI::App& command, TranscribeSettings& s) {
  command.add_option("files", s.files, "Audio or video files")->required();
}

void add_job_options(CLI::App& command, TranscribeSettings& s) {
  command.add_option("--engine", s.engine.engine,
                     "whisper, parakeet or sphinx (default: the model file's engine; sphinx with no model)");
  command.add_option("--model,-m", s.engine.model,
                     "Model name (base.en, parakeet-tdt-0.6b-v3) or path to a ggml file");
  command.add_option("--language,-l", s.options.language, "Spoken language code, or auto")->capture_default_str();
  command.add_flag("--translate", s.options.translate, "Translate to English");
  command.add_option("--beam-size", s.options.beam_size, "Beam size; 1 = greedy (default: whisper 5)")
      ->each([&s](const std::string&) { s.beam_size_given = true; });
  command.add_option("--best-of", s.options.best_of, "Candidates when sampling")->capture_default_str();
  command.add_option("--temperature", s.options.temperature, "Sampling temperature")->capture_default_str();
  command.add_flag("--no-fallback", s.options.no_fallback, "No retries at higher temperatures");
  command.add_option("--prompt", s.options.initial_prompt, "Initial prompt (names, spelling)");
  command.add_flag("--word-timestamps", s.options.word_timestamps, "Times for every word (json, tsv)");
  command.add_flag("--vad", s.options.vad, "Skip non-speech with Silero VAD");
}

void add_output_options(CLI::App& command, TranscribeSettings& s) {
  command.add_option("--format,-f", s.formats, "Comma list of txt,srt,vtt,json,tsv")->capture_default_str();
  command.add_option("--output-dir,-o", s.output_dir, "Write FILE.FORMAT here (default: stdout for one file)");
  command.add_flag("--quiet,-q", s.quiet, "No progress output");
}

void add_transcribe_options(CLI::App& command, TranscribeSettings& s) {
  s.options.threads = static_cast<int>(std::clamp(std::thread::hardware_concurrency(), 1u, 4u));
  add_file_arguments(command, s);
  add_job_options(command, s);
  add_output_options(command, s);
  // What only a local run has: the machine's threads, the VAD model's
  // file, chunking and line wrapping.
  command.add_option("--threads,-t", s.options.threads, "Threads per file")->capture_default_str();
  command.add_option("--max-context", s.options.max_text_context, "Tokens of previous text used as prompt (-1 = model's)")->capture_default_str();
  command.add_option("--vad-model", s.options.vad_model, "ggml Silero VAD model file");
  command.add_option("--chunk-length", s.chunking.chunk_seconds,
                     "Seconds per chunk, cut at silences; 0 = whole file (default: the engine's, 300; parakeet 60)");
  command.add_option("--max-line-width", s.max_line_width, "Wrap subtitle lines at this many characters")->capture_default_str();
}

namespace {

void check_job_and_output(const TranscribeSettings& s, std::vector<std::string>& problems) {
  auto check = [&](bool ok, const std::string& problem) { if (!ok) problems.push_back(problem); };
  check(!s.beam_size_given || (s.options.beam_size >= 1 && s.options.beam_size <= 16),
        "--beam-size must be 1..16");
  check(s.options.best_of >= 1 && s.options.best_of <= 16, "--best-of must be 1..16");
  check(s.options.temperature >= 0 && s.options.temperature <= 1, "--temperature must be 0..1");
  std::vector<TranscriptFormat> formats;
  try {
    formats = parse_format_list(s.formats);
  } catch (const Error& error) {
    problems.push_back(error.what());
  }
  check(!(s.output_dir.empty() && s.files.size() == 1 && formats.size() > 1),
        "several formats need --output-dir (one file's transcript goes to stdout only in one format)");
}

void throw_problems(const std::vector<std::string>& problems) {
  if (problems.empty()) return;
  std::string message;
  for (const auto& problem : problems) message += (message.empty() ? "" : "\n") + problem;
  throw Error(ErrorCode::invalid_argument, message);
}

}  // namespace

void validate(const TranscribeSettings& s) {
  std::vector<std::string> problems;
  auto check = [&](bool ok, const std::string& problem) { if (!ok) problems.push_back(problem); };
  check(s.options.threads >= 1 && s.options.threads <= 256, "--threads must be 1..256");
  check_job_and_output(s, problems);
  check(s.chunking.chunk_seconds == ChunkingOptions::kEngineDefault || s.chunking.chunk_seconds == 0 ||
            s.chunking.chunk_seconds >= 30,
        "--chunk-length must be 0 (no chunking) or at least 30 seconds");
  check(s.max_line_width >= 0, "--max-line-width must not be negative");
  check(s.options.max_text_context >= -1, "--max-context must be -1 or more");
  throw_problems(problems);
}

void validate_job_and_output(const TranscribeSettings& s) {
  std::vector<std::string> problems;
  check_job_and_output(s, problems);
  throw_problems(problems);
}

}  // namespace soundscripter
