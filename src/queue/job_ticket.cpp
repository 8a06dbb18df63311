#include "queue/job_ticket.hpp"

#include <filesystem>

#include "jobs/job_request_json.hpp"
#include "util/error.hpp"

namespace soundscripter {

JobTicket ticket_for(const Job& job) {
  JobTicket ticket;
  ticket.job_id = job.id;
  ticket.owner = job.owner;
  ticket.priority = job.request.priority;
  ticket.request = job.request;
  ticket.media_filename = job.media_filename;
  ticket.media_file = std::filesystem::path(job.media_path).filename().string();
  ticket.media_token = job.media_token;
  ticket.media_duration = job.media_duration;
  return ticket;
}

std::string chunk_run_key(const std::string& job_id, int index) {
  return job_id + "#" + std::to_string(index);
}

std::string run_key(const JobTicket& ticket) {
  return ticket.chunk ? chunk_run_key(ticket.job_id, ticket.chunk->index) : ticket.job_id;
}

namespace {

ChunkOfJob chunk_from_json(const nlohmann::json& json) {
  ChunkOfJob chunk;
  chunk.index = json.at("index").get<int>();
  chunk.count = json.at("count").get<int>();
  chunk.span.start_sample = json.at("start").get<std::int64_t>();
  chunk.span.sample_count = json.at("samples").get<std::int64_t>();
  if (chunk.index < 0 || chunk.index >= chunk.count || chunk.span.start_sample < 0 ||
      chunk.span.sample_count <= 0) {
    throw Error(ErrorCode::invalid_argument, "'chunk' does not describe a piece of the audio");
  }
  return chunk;
}

}  // namespace

nlohmann::json ticket_to_json(const JobTicket& ticket) {
  nlohmann::json json = {{"job", ticket.job_id},
                         {"owner", ticket.owner},
                         {"priority", ticket.priority},
                         {"request", job_request_to_json(ticket.request)},
                         {"media",
                          {{"filename", ticket.media_filename},
                           {"file", ticket.media_file},
                           {"token", ticket.media_token},
                           {"duration", ticket.media_duration}}}};
  if (ticket.chunk) {
    json["chunk"] = {{"index", ticket.chunk->index},
                     {"count", ticket.chunk->count},
                     {"start", ticket.chunk->span.start_sample},
                     {"samples", ticket.chunk->span.sample_count}};
  }
  return json;
}

JobTicket ticket_from_json(const nlohmann::json& json) {
  try {
    if (!json.is_object()) throw Error(ErrorCode::invalid_argument, "expected a JSON object");
    JobTicket ticket;
    ticket.job_id = json.at("job").get<std::string>();
    if (ticket.job_id.empty()) throw Error(ErrorCode::invalid_argument, "'job' is empty");
    ticket.owner = json.value("owner", std::string());  // absent in older messages
    ticket.priority = json.value("priority", 5);
    ticket.request = job_request_from_json(json.value("request", nlohmann::json::object()));
    const auto& media = json.at("media");
    ticket.media_filename = media.value("filename", std::string());
    ticket.media_file = media.at("file").get<std::string>();
    ticket.media_token = media.value("token", std::string());
    ticket.media_duration = media.value("duration", 0.0);
    if (json.contains("chunk")) ticket.chunk = chunk_from_json(json.at("chunk"));
    // A file name only: a message must not point a worker at another path.
    if (ticket.media_file.empty() || ticket.media_file.find('/') != std::string::npos ||
        ticket.media_file.starts_with(".")) {
      throw Error(ErrorCode::invalid_argument, "'media.file' is not a plain file name");
    }
    return ticket;
  } catch (const nlohmann::json::exception& e) {
    throw Error(ErrorCode::invalid_argument, std::string("job ticket: ") + e.what());
  } catch (const Error& e) {
    throw e.with_context("job ticket");
  }
}

}  // namespace soundscripter
