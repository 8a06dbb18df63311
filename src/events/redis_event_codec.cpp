#include "events/redis_event_codec.hpp"

#include <nlohmann/json.hpp>

#include "util/error.hpp"

namespace soundscripter {
namespace {

[[noreturn]] void reject(std::string_view channel, const std::string& why) {
  throw Error(ErrorCode::invalid_argument, "message on " + std::string(channel) + ": " + why);
}

}  // namespace

std::string job_channel(const std::string& job) { return std::string(kJobChannelPrefix) + job; }

std::string all_jobs_channel_pattern() { return std::string(kJobChannelPrefix) + "*"; }

std::string encode_job_event(const JobEvent& event) {
  return event.to_json().dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

JobEvent decode_job_event(std::string_view channel, std::string_view message) {
  if (!channel.starts_with(kJobChannelPrefix)) reject(channel, "not a job channel");
  const std::string_view channel_job = channel.substr(kJobChannelPrefix.size());

  nlohmann::json json = nlohmann::json::parse(message, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded()) reject(channel, "not JSON");
  if (!json.is_object()) reject(channel, "not a JSON object");
  const auto job = json.find("job");
  const auto seq = json.find("seq");
  const auto type = json.find("type");
  if (job == json.end() || !job->is_string()) reject(channel, "no string \"job\"");
  if (seq == json.end() || !seq->is_number_integer()) reject(channel, "no integer \"seq\"");
  if (type == json.end() || !type->is_string()) reject(channel, "no string \"type\"");
  // Subscribers are found by the channel's job; a body naming another job
  // would reach the wrong ones.
  if (job->get_ref<const std::string&>() != channel_job) {
    reject(channel, "\"job\" is \"" + job->get<std::string>() + "\", not the channel's");
  }

  JobEvent event{job->get<std::string>(), seq->get<std::int64_t>(), type->get<std::string>(), {}};
  json.erase("job");
  json.erase("seq");
  json.erase("type");
  event.data = std::move(json);
  return event;
}

}  // namespace soundscripter
