// How job events are written to and read from Redis messages.
#include <gtest/gtest.h>

#include "events/redis_event_codec.hpp"
#include "util/error.hpp"

namespace soundscripter {
namespace {

// The message of the Error that decoding throws, or "" when it decodes.
std::string decode_error(const std::string& channel, const std::string& message) {
  try {
    decode_job_event(channel, message);
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::invalid_argument);
    return e.what();
  }
  return "";
}

TEST(event_bus_redis_codec, AJobsChannelIsNamedAfterIt) {
  EXPECT_EQ(job_channel("j_1"), "soundscripter:jobs:j_1");
  EXPECT_EQ(all_jobs_channel_pattern(), "soundscripter:jobs:*");
}

TEST(event_bus_redis_codec, TheMessageIsTheEventsJson) {
  const JobEvent event{"j_1", 3, "progress", {{"progress", 0.25}}};
  EXPECT_EQ(nlohmann::json::parse(encode_job_event(event)), event.to_json());
}

TEST(event_bus_redis_codec, AnEventSurvivesTheRoundTrip) {
  const JobEvent event{"j_1", 3, "state", {{"state", "failed"}, {"error", {{"code", "x"}}}}};
  const JobEvent decoded = decode_job_event("soundscripter:jobs:j_1", encode_job_event(event));
  EXPECT_EQ(decoded.job, "j_1");
  EXPECT_EQ(decoded.seq, 3);
  EXPECT_EQ(decoded.type, "state");
  EXPECT_EQ(decoded.data, event.data);
}

TEST(event_bus_redis_codec, InvalidUtf8IsReplacedNotThrownAbout) {
  const JobEvent event{"j_1", 1, "segment", {{"text", std::string("caf\xe9")}}};
  std::string message;
  ASSERT_NO_THROW(message = encode_job_event(event));
  EXPECT_EQ(decode_job_event("soundscripter:jobs:j_1", message).data["text"], "caf\xef\xbf\xbd");
}

TEST(event_bus_redis_codec, MessagesThatAreNotJobEventsAreRejectedWithTheReason) {
  const std::string channel = "soundscripter:jobs:j_1";
  EXPECT_EQ(decode_error(channel, "{"), "message on soundscripter:jobs:j_1: not JSON");
  EXPECT_EQ(decode_error(channel, "[1]"), "message on soundscripter:jobs:j_1: not a JSON object");
  EXPECT_EQ(decode_error(channel, R"({"seq": 1, "type": "t"})"),
            "message on soundscripter:jobs:j_1: no string \"job\"");
  EXPECT_EQ(decode_error(channel, R"({"job": "j_1", "seq": 1.5, "type": "t"})"),
            "message on soundscripter:jobs:j_1: no integer \"seq\"");
  EXPECT_EQ(decode_error(channel, R"({"job": "j_1", "seq": 1, "type": 2})"),
            "message on soundscripter:jobs:j_1: no string \"type\"");
  EXPECT_EQ(decode_error(channel, R"({"job": "j_2", "seq": 1, "type": "t"})"),
            "message on soundscripter:jobs:j_1: \"job\" is \"j_2\", not the channel's");
  EXPECT_EQ(decode_error("elsewhere", R"({"job": "j_1", "seq": 1, "type": "t"})"),
            "message on elsewhere: not a job channel");
}

}  // namespace
}  // namespace soundscripter
