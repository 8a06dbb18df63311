// The Redis bus's URL: what is accepted, and errors that say what is wrong
// without showing the password.
#include <gtest/gtest.h>

#include "events/event_bus.hpp"
#include "events/redis_url.hpp"
#include "util/error.hpp"

namespace soundscripter {
namespace {

// The message of the Error that parsing `url` throws, or "" when it parses.
std::string parse_error(const std::string& url) {
  try {
    parse_redis_url(url);
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::invalid_argument) << url;
    return e.what();
  }
  return "";
}

TEST(event_bus_redis_url, HostAndPort) {
  const RedisAddress address = parse_redis_url("redis://redis.internal:6380");
  EXPECT_EQ(address.host, "redis.internal");
  EXPECT_EQ(address.port, 6380);
  EXPECT_EQ(address.username, "");
  EXPECT_EQ(address.password, "");
  EXPECT_EQ(address.db, 0);
}

TEST(event_bus_redis_url, PortAndDatabaseAreOptional) {
  EXPECT_EQ(parse_redis_url("redis://localhost").port, 6379);
  EXPECT_EQ(parse_redis_url("redis://localhost/").db, 0);
  EXPECT_EQ(parse_redis_url("redis://localhost:7000/3").db, 3);
}

TEST(event_bus_redis_url, PasswordWithOrWithoutUser) {
  const RedisAddress password_only = parse_redis_url("redis://:secret@h:1");
  EXPECT_EQ(password_only.username, "");
  EXPECT_EQ(password_only.password, "secret");
  const RedisAddress with_user = parse_redis_url("redis://app:secret@h:1");
  EXPECT_EQ(with_user.username, "app");
  EXPECT_EQ(with_user.password, "secret");
}

TEST(event_bus_redis_url, PasswordsMayBePercentEncodedOrContainAtAndSlash) {
  EXPECT_EQ(parse_redis_url("redis://:p%40ss%2Fw%3Ard@h:1").password, "p@ss/w:rd");
  const RedisAddress raw = parse_redis_url("redis://:p@ss/w@h:1/2");
  EXPECT_EQ(raw.password, "p@ss/w");
  EXPECT_EQ(raw.host, "h");
  EXPECT_EQ(raw.db, 2);
}

TEST(event_bus_redis_url, IPv6HostsInBrackets) {
  const RedisAddress address = parse_redis_url("redis://[::1]:6390");
  EXPECT_EQ(address.host, "::1");
  EXPECT_EQ(address.port, 6390);
  EXPECT_EQ(address.describe(), "[::1]:6390");
}

TEST(event_bus_redis_url, DescribeNeverShowsThePassword) {
  EXPECT_EQ(parse_redis_url("redis://app:secret@h:1").describe(), "h:1");
}

TEST(event_bus_redis_url, ErrorsSayWhatIsWrong) {
  EXPECT_NE(parse_error("http://h:1").find("does not start with redis://"), std::string::npos);
  EXPECT_NE(parse_error("rediss://h:1").find("TLS (rediss://) is not supported"), std::string::npos);
  EXPECT_NE(parse_error("redis://:1").find("the host is empty"), std::string::npos);
  EXPECT_NE(parse_error("redis://h:").find("the port is empty"), std::string::npos);
  EXPECT_NE(parse_error("redis://h:0").find("the port \"0\" is not a number from 1 to 65535"), std::string::npos);
  EXPECT_NE(parse_error("redis://h:70000").find("\"70000\""), std::string::npos);
  EXPECT_NE(parse_error("redis://h:63x9").find("\"63x9\""), std::string::npos);
  EXPECT_NE(parse_error("redis://h:1/db1").find("the database \"db1\" is not a number"), std::string::npos);
  EXPECT_NE(parse_error("redis://h:1?timeout=1").find("query parameters"), std::string::npos);
  EXPECT_NE(parse_error("redis://secret@h:1").find("needs a ':'"), std::string::npos);
  EXPECT_NE(parse_error("redis://:%zz@h:1").find("two hex digits"), std::string::npos);
  EXPECT_NE(parse_error("redis://[::1:1").find("no closing ']'"), std::string::npos);
}

TEST(event_bus_redis_url, ErrorsNameTheUrlWithThePasswordMasked) {
  const std::string message = parse_error("redis://app:secret@h:0");
  EXPECT_NE(message.find("redis URL \"redis://app:***@h:0\""), std::string::npos) << message;
  EXPECT_EQ(message.find("secret"), std::string::npos) << message;
}

TEST(event_bus_redis_url, MakingABusWithABadUrlThrows) {
  try {
    make_redis_event_bus("redis//localhost");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::invalid_argument);
    EXPECT_NE(std::string(e.what()).find("redis//localhost"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace soundscripter
