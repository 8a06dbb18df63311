#include "jobs/job_store.hpp"

namespace soundscripter {

nlohmann::json JobEvent::to_json() const {
  nlohmann::json out = data.is_object() ? data : nlohmann::json::object();
  out["job"] = job;
  out["seq"] = seq;
  out["type"] = type;
  return out;
}

}  // namespace soundscripter
