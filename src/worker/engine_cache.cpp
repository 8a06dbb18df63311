#include "worker/engine_cache.hpp"

namespace soundscripter {

EngineCache::EngineCache(EngineSpec defaults)
    : defaults_(std::move(defaults)), default_model_engine_(engine_for_model(defaults_.model)) {}

Engine& EngineCache::get(const std::string& engine, const std::string& model) {
  EngineSpec spec{engine.empty() ? defaults_.engine : engine, model};
  // The server's default model applies to jobs that name none, unless they
  // ask for an engine it does not fit (sphinx, or parakeet with a Whisper model).
  const bool default_model_fits =
      engine.empty() || engine == defaults_.engine ||
      (defaults_.engine.empty() && engine == default_model_engine_);
  if (spec.model.empty() && default_model_fits) spec.model = defaults_.model;
  const std::string key = spec.engine + "\n" + spec.model;
  std::shared_ptr<Slot> slot;
  {
    std::lock_guard lock(mutex_);
    auto& entry = slots_[key];
    if (!entry) entry = std::make_shared<Slot>();
    slot = entry;
  }
  // Loading can take seconds: other models stay available meanwhile, and two
  // workers asking for the same model wait for one load. A failed load
  // throws out of call_once and is tried again next time.
  std::call_once(slot->loaded, [&] { slot->engine = load_engine(spec); });
  return *slot->engine;
}

Engine& EngineCache::preload_default() { return get("", ""); }

}  // namespace soundscripter
