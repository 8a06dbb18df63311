// JobTicket's message body: what a worker on another machine reads, and
// what it refuses (a message that is not a ticket is dead-lettered with
// the reason).
#include <gtest/gtest.h>

#include "queue/job_ticket.hpp"
#include "util/error.hpp"

namespace soundscripter {
namespace {

nlohmann::json valid_body() {
  JobTicket ticket;
  ticket.job_id = "j_1";
  ticket.media_file = "j_1.mp3";
  return ticket_to_json(ticket);
}

std::string refusal(const nlohmann::json& body) {
  try {
    ticket_from_json(body);
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::invalid_argument);
    return error.what();
  }
  return "";
}

TEST(job_ticket, AChunkTicketRoundTripsWithItsSpanAndRunKey) {
  JobTicket ticket = ticket_from_json(valid_body());
  EXPECT_FALSE(ticket.chunk);
  EXPECT_EQ(run_key(ticket), "j_1");
  ticket.chunk = ChunkOfJob{2, 5, AudioSpan{9'600'000, 4'799'999}};
  const JobTicket read = ticket_from_json(ticket_to_json(ticket));
  ASSERT_TRUE(read.chunk);
  EXPECT_EQ(read.chunk->index, 2);
  EXPECT_EQ(read.chunk->count, 5);
  EXPECT_EQ(read.chunk->span, (AudioSpan{9'600'000, 4'799'999}));
  EXPECT_EQ(run_key(read), "j_1#2");
}

TEST(job_ticket, TheOwnerTravelsWithTheTicketAndMayBeAbsent) {
  Job job;
  job.id = "j_2";
  job.owner = "k_0123456789abcdef";
  job.media_path = "/data/media/j_2.wav";
  const JobTicket read = ticket_from_json(ticket_to_json(ticket_for(job)));
  EXPECT_EQ(read.owner, "k_0123456789abcdef") << "owners take turns in the queue by it";
  nlohmann::json older = valid_body();
  older.erase("owner");
  EXPECT_EQ(ticket_from_json(older).owner, "");
}

TEST(job_ticket, AChunkThatIsNotAPieceOfTheAudioIsRefused) {
  for (const nlohmann::json& chunk :
       {nlohmann::json{{"index", 5}, {"count", 5}, {"start", 0}, {"samples", 10}},
        nlohmann::json{{"index", 0}, {"count", 1}, {"start", -1}, {"samples", 10}},
        nlohmann::json{{"index", 0}, {"count", 1}, {"start", 0}, {"samples", 0}},
        nlohmann::json{{"index", 0}, {"count", 1}}}) {
    nlohmann::json body = valid_body();
    body["chunk"] = chunk;
    const std::string why = refusal(body);
    EXPECT_NE(why.find("job ticket"), std::string::npos) << chunk.dump() << ": " << why;
  }
}

TEST(job_ticket, AMediaFileThatIsAPathIsRefused) {
  for (const char* file : {"../etc/passwd", "/tmp/x.mp3", ".hidden", ""}) {
    nlohmann::json body = valid_body();
    body["media"]["file"] = file;
    EXPECT_NE(refusal(body).find("'media.file' is not a plain file name"), std::string::npos) << file;
  }
}

}  // namespace
}  // namespace soundscripter
