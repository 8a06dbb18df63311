// The promise every engine keeps: a stop lands within one second.
#pragma once

#include <chrono>
#include <span>

#include "engine/engine.hpp"

namespace soundscripter::test {

// Runs engine.transcribe(samples) on another thread, lets it run for
// `running_for` (failing if it finishes first: the samples are too short to
// prove anything), requests a stop, and expects Error(cancelled) within a
// second of the request.
void expect_stops_within_one_second(Engine& engine, std::span<const float> samples,
                                    const EngineOptions& options, std::chrono::milliseconds running_for);

}  // namespace soundscripter::test
