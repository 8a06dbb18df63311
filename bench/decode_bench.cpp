// decode_bench: how fast AudioDecoder turns files into 16 kHz mono, and how
// much memory that takes.
//
//   decode_bench [--repeat N] FILE...
//
// Each file is decoded N times (default 1) in 30-second reads into one reused
// buffer, the way a worker feeds an engine chunk by chunk, so the peak RSS
// shows the decoder's own footprint and should not grow with file length.
// Run one file per process to compare peaks between files (the peak is the
// process's).
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <exception>
#include <string>
#include <vector>

#include "media/audio_decoder.hpp"

namespace {

double peak_rss_megabytes() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024.0;  // Linux reports KiB
}

struct Measurement {
  std::string format;
  double audio_seconds = 0;
  double decode_seconds = 0;
};

Measurement decode_once(const char* path) {
  using Clock = std::chrono::steady_clock;
  constexpr std::size_t kChunkSamples = 30 * soundscripter::kSampleRate;
  auto start = Clock::now();
  soundscripter::AudioDecoder decoder(path);
  std::vector<float> chunk;
  chunk.reserve(kChunkSamples);
  while (true) {
    chunk.clear();
    if (decoder.read(chunk, kChunkSamples) == 0) break;
  }
  Measurement measurement;
  measurement.format = decoder.info().container + "/" + decoder.info().codec;
  measurement.audio_seconds =
      static_cast<double>(decoder.samples_read()) / soundscripter::kSampleRate;
  measurement.decode_seconds = std::chrono::duration<double>(Clock::now() - start).count();
  for (const auto& warning : decoder.warnings())
    std::fprintf(stderr, "warning: %s\n", warning.c_str());
  return measurement;
}

}  // namespace

int main(int argc, char** argv) {
  int repeat = 1;
  std::vector<const char*> files;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--repeat") == 0 && i + 1 < argc) {
      repeat = std::max(1, std::atoi(argv[++i]));
    } else {
      files.push_back(argv[i]);
    }
  }
  if (files.empty()) {
    std::fprintf(stderr, "usage: decode_bench [--repeat N] FILE...\n");
    return 2;
  }
  std::printf("%-40s %-24s %10s %10s %10s %12s\n", "file", "format", "audio s", "decode s",
              "x realtime", "peak RSS MB");
  int failures = 0;
  for (const char* file : files) {
    for (int round = 0; round < repeat; ++round) {
      try {
        Measurement m = decode_once(file);
        std::string name = std::strrchr(file, '/') ? std::strrchr(file, '/') + 1 : file;
        std::printf("%-40s %-24s %10.1f %10.2f %10.0f %12.1f\n", name.c_str(), m.format.c_str(),
                    m.audio_seconds, m.decode_seconds, m.audio_seconds / m.decode_seconds,
                    peak_rss_megabytes());
        std::fflush(stdout);
      } catch (const std::exception& error) {
        std::printf("%-40s error: %s\n", file, error.what());
        ++failures;
      }
    }
  }
  return failures == 0 ? 0 : 1;
}
