// Random-weight Whisper and Parakeet models for tests, made on first use and
// cached.
//
// Model weights are never committed, so tests build their own with the
// make_whisper_model and make_parakeet_model tools: real ggml files that
// whisper.cpp loads and runs, which transcribe gibberish. Making one takes
// from a fraction of a second (test shapes) to seconds (tiny), so each is
// made once and kept under test_data_dir()/models/ for later tests and later
// runs.
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

// A random-weight Parakeet TDT model of make_parakeet_model's test shape
// (64 states, 2 layers, a 35-piece SentencePiece-like vocabulary with word
// starts, continuations and punctuation; n_audio_ctx 3000 mel frames, so
// audio over 30 s takes parakeet.cpp's dynamic-graph path). On jfk.wav it
// gives ~20 words, punctuation among them. Its 35 pieces make it
// English-only (1024 pieces or fewer), like parakeet-tdt-0.6b-v2. Made once
// (a few ms) and cached like the Whisper models; safe to call from several
// test processes at once. Throws std::runtime_error when the tool fails.
std::filesystem::path random_parakeet_model();

// random_parakeet_model() quantized by whisper.cpp's parakeet-quantize to
// `type` (q8_0, q4_0, q4_1, q5_0 or q5_1: the test shape's widths are
// multiples of 32, not of the K-quants' 256). Cached the same way.
std::filesystem::path quantized_parakeet_model(std::string_view type = "q8_0");
// The "test" Whisper model quantized with whisper-quantize ("q5_0", "q8_0").
std::filesystem::path quantized_whisper_model(std::string_view type);

// What one run over the whole file gives with the model, chunked at
// `chunk_seconds`, with the options of a job sent with fast_whisper_fields()
// (greedy, no fallback) on one thread: the transcript a split job's
// stitched chunks must equal.
Transcript one_run_transcript(const std::filesystem::path& media, const std::filesystem::path& model,
                              double chunk_seconds);

}  // namespace soundscripter::test
