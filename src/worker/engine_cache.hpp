// Loaded engines, shared by every worker thread: one Whisper model in
// memory however many workers use it (each call takes its own whisper
// state), loaded the first time a job asks for it.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "engine/engine.hpp"

namespace soundscripter {

class EngineCache {
 public:
  // Jobs that name no engine or model get these.
  explicit EngineCache(EngineSpec defaults);

  // The engine for a job's request; loads it once. Throws as load_engine does.
  Engine& get(const std::string& engine, const std::string& model);

  // Loads the default engine now, so a bad configuration fails at start-up.
  Engine& preload_default();

 private:
  struct Slot {
    std::once_flag loaded;
    std::unique_ptr<Engine> engine;
  };
  EngineSpec defaults_;
  std::string default_model_engine_;  // the engine defaults_.model's file is for; read once
  std::mutex mutex_;
  std::map<std::string, std::shared_ptr<Slot>> slots_;
};

}  // namespace soundscripter
