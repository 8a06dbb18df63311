#include "jobs/job_store.hpp"

namespace soundscripter {

nlohmann::json JobEvent::to_json() const {
  nlohmann::json out = data.is_object() ? data : nlohmann::json::object();
  out["job"] = job;
  out["seq"] = seq;
  out["type"] = type;
  return out;
}

nlohmann::json to_json(const WorkerInfo& worker) {
  return {{"id", worker.id},       {"host", worker.host},         {"slots", worker.slots},
          {"busy", worker.busy},   {"jobs", worker.jobs},         {"engines", worker.engines},
          {"started_at", worker.started_at}, {"last_beat", worker.last_beat}};
}

}  // namespace soundscripter
