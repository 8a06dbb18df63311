// Which chunk length a file is cut into when the user names none: the
// engine's own (parakeet's is shorter: its memory grows with the input).
#include <gtest/gtest.h>

#include "engine/media_transcription.hpp"

namespace soundscripter {
namespace {

class EngineWithChunkLength final : public Engine {
 public:
  explicit EngineWithChunkLength(double seconds) : seconds_(seconds) {}
  std::string name() const override { return "fake"; }
  std::string model_description() const override { return "none"; }
  double default_chunk_seconds() const override { return seconds_; }
  Transcript transcribe(std::span<const float>, const EngineOptions&, const EngineCallbacks&,
                        std::stop_token) override {
    return {};
  }

 private:
  double seconds_;
};

TEST(ChunkingDefault, TheEnginesLengthFillsInOnlyWhatWasNotGiven) {
  const EngineWithChunkLength engine(60);
  EXPECT_DOUBLE_EQ(resolve_chunking({}, engine).chunk_seconds, 60);
  EXPECT_DOUBLE_EQ(resolve_chunking({0, 20}, engine).chunk_seconds, 0);  // whole file, as asked
  EXPECT_DOUBLE_EQ(resolve_chunking({300, 20}, engine).chunk_seconds, 300);
  EXPECT_DOUBLE_EQ(resolve_chunking({}, engine).search_seconds, 20);
}

TEST(ChunkingDefault, AChunkerGivenNoLengthUsesTheFallback) {
  std::vector<float> audio(static_cast<std::size_t>(ChunkingOptions::kFallbackSeconds + 100) * 16000, 0.1f);
  std::size_t position = 0;
  AudioChunker chunker(
      [&](std::vector<float>& out, std::size_t n) {
        const std::size_t count = std::min(n, audio.size() - position);
        out.insert(out.end(), audio.begin() + static_cast<std::ptrdiff_t>(position),
                   audio.begin() + static_cast<std::ptrdiff_t>(position + count));
        position += count;
        return count;
      },
      ChunkingOptions{});
  auto first = chunker.next();
  ASSERT_TRUE(first);
  EXPECT_LE(first->samples.size(), static_cast<std::size_t>(ChunkingOptions::kFallbackSeconds) * 16000);
  EXPECT_TRUE(chunker.next()) << "the whole stream came as one chunk";
}

}  // namespace
}  // namespace soundscripter
