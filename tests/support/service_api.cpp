// See service_api.hpp.
#include "support/service_api.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <thread>

namespace soundscripter::test {

std::vector<FormPart> fast_whisper_fields() {
  return {FormPart::field("beam_size", "1"), FormPart::field("no_fallback", "true")};
}

ServiceApi::ServiceApi(std::string base_url, const std::string& api_key) : http_(std::move(base_url)) {
  if (!api_key.empty()) http_.set_default_header("Authorization", "Bearer " + api_key);
}

HttpReply ServiceApi::submit(const std::filesystem::path& file, const std::vector<FormPart>& fields) const {
  std::vector<FormPart> parts = fields;
  parts.push_back(FormPart::upload("file", file));
  return http_.post_form("/v1/jobs", parts);
}

std::string ServiceApi::submit_ok(const std::filesystem::path& file, const std::vector<FormPart>& fields) const {
  HttpReply reply = submit(file, fields);
  EXPECT_EQ(reply.status, 202) << file << ": " << reply.describe();
  if (reply.status != 202) return "";
  return reply.json().value("id", "");
}

nlohmann::json ServiceApi::job(const std::string& id) const {
  HttpReply reply = http_.get("/v1/jobs/" + id);
  EXPECT_EQ(reply.status, 200) << "GET /v1/jobs/" << id << ": " << reply.describe();
  return reply.status == 200 ? reply.json() : nlohmann::json();
}

nlohmann::json ServiceApi::wait_for_state(const std::string& id, std::initializer_list<std::string> states,
                                          std::chrono::milliseconds timeout) const {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  nlohmann::json job;
  while (true) {
    HttpReply reply = http_.get("/v1/jobs/" + id);
    if (reply.status != 200) {
      ADD_FAILURE() << "GET /v1/jobs/" << id << " while waiting: " << reply.describe();
      return nullptr;
    }
    job = reply.json();
    const std::string state = job.value("state", "");
    if (std::find(states.begin(), states.end(), state) != states.end()) return job;
    if (std::chrono::steady_clock::now() > deadline) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  std::string wanted;
  for (const auto& state : states) wanted += (wanted.empty() ? "" : "|") + state;
  ADD_FAILURE() << "job " << id << " did not reach " << wanted << " in " << timeout.count()
                << " ms; last seen: " << job.dump();
  return job;
}

nlohmann::json ServiceApi::wait_until_finished(const std::string& id, std::chrono::milliseconds timeout) const {
  return wait_for_state(id, {"completed", "failed", "cancelled"}, timeout);
}

std::string ServiceApi::events_url(const std::string& id) const {
  return http_.base_url() + (id.empty() ? "/v1/events" : "/v1/jobs/" + id + "/events");
}

Headers ServiceApi::headers(const Headers& extra) const {
  Headers all = http_.default_headers();
  all.insert(all.end(), extra.begin(), extra.end());
  return all;
}

}  // namespace soundscripter::test
