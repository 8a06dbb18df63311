// The job API of a running server, as the service tests use it: submit a
// file, read a job, wait for a state, follow its events. Thin on purpose:
// each call is one request, and the tests still see every status code.
#pragma once

#include <chrono>
#include <filesystem>
#include <initializer_list>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "support/http_client.hpp"

namespace soundscripter::test {

// Job fields that make the random-weight Whisper model fast: greedy
// decoding without the temperature fallback.
std::vector<FormPart> fast_whisper_fields();

class ServiceApi {
 public:
  // api_key: sent as "Authorization: Bearer KEY" when not empty.
  explicit ServiceApi(std::string base_url, const std::string& api_key = {});

  const HttpClient& http() const { return http_; }

  // POST /v1/jobs with the file as `file` and the fields.
  HttpReply submit(const std::filesystem::path& file, const std::vector<FormPart>& fields = fast_whisper_fields()) const;
  // The same, expecting 202; returns the new job's id ("" and a test
  // failure otherwise).
  std::string submit_ok(const std::filesystem::path& file,
                        const std::vector<FormPart>& fields = fast_whisper_fields()) const;

  // GET /v1/jobs/{id}; null and a test failure when it is not 200.
  nlohmann::json job(const std::string& id) const;
  // Polls the job until its state is one of `states`; returns the job.
  // A test failure (and the last job seen) when the time runs out.
  nlohmann::json wait_for_state(const std::string& id, std::initializer_list<std::string> states,
                                std::chrono::milliseconds timeout = std::chrono::seconds(120)) const;
  // Polls until the job is completed, failed or cancelled.
  nlohmann::json wait_until_finished(const std::string& id,
                                     std::chrono::milliseconds timeout = std::chrono::seconds(120)) const;

  // The full URL of GET /v1/jobs/{id}/events (or /v1/events for "").
  std::string events_url(const std::string& id = {}) const;
  // Authorization (when there is a key) plus `extra`, for SSE requests.
  Headers headers(const Headers& extra = {}) const;

 private:
  HttpClient http_;
};

}  // namespace soundscripter::test
