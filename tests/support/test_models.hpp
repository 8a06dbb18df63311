// Random-weight Whisper models for tests, made on first use and cached.
//
// Model weights are never committed, so tests build their own with the
// make_whisper_model tool: real ggml files that whisper.cpp loads and runs,
// which transcribe gibberish. Making one takes from a fraction of a second
// (test shape) to seconds (tiny), so each is made once and kept under
// test_data_dir()/models/ for later tests and later runs.
#pragma once

#include <filesystem>
#include <string_view>

#include "transcript/transcript.hpp"

namespace soundscripter::test {

// A model of the given shape ("test", "tiny", "base" or "small"; see
// make_whisper_model --help). n_text_ctx 0 keeps the shape's default (64 for
// "test", 448 otherwise). Prefer "test": it loads and decodes fastest.
// Safe to call from several test processes at once. Throws std::runtime_error
// when the tool fails.
std::filesystem::path random_whisper_model(std::string_view shape, bool multilingual = false, int n_text_ctx = 0);

// What one run over the whole file gives with the model, chunked at
// `chunk_seconds`, with the options of a job sent with fast_whisper_fields()
// (greedy, no fallback) on one thread: the transcript a split job's
// stitched chunks must equal.
Transcript one_run_transcript(const std::filesystem::path& media, const std::filesystem::path& model,
                              double chunk_seconds);

}  // namespace soundscripter::test
