#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "client/sse_parser.hpp"

namespace soundscripter {
namespace {

std::vector<SseEvent> parse_in_pieces(const std::string& stream, std::size_t piece) {
  std::vector<SseEvent> events;
  SseParser parser([&](const SseEvent& event) { events.push_back(event); });
  for (std::size_t at = 0; at < stream.size(); at += piece) parser.feed(stream.substr(at, piece));
  return events;
}

TEST(client_sse_parser, EventsSplitAnywhereComeOutWhole) {
  const std::string stream =
      ": keep-alive\n\nid: 7\nevent: segment\ndata: {\"a\":1}\n\r\nid:8\r\nevent: state\r\ndata: {}\r\n\r\n";
  for (std::size_t piece : {1u, 2u, 5u, 1000u}) {
    const auto events = parse_in_pieces(stream, piece);
    ASSERT_EQ(events.size(), 2u) << "pieces of " << piece;
    EXPECT_EQ(events[0].id, "7");
    EXPECT_EQ(events[0].event, "segment");
    EXPECT_EQ(events[0].data, "{\"a\":1}");
    EXPECT_EQ(events[1].id, "8");
    EXPECT_EQ(events[1].event, "state");
    EXPECT_EQ(events[1].data, "{}");
  }
}

TEST(client_sse_parser, DataLinesJoinAndCommentsAreCountedNotDelivered) {
  std::vector<SseEvent> events;
  SseParser parser([&](const SseEvent& event) { events.push_back(event); });
  parser.feed(": one\n: two\n\ndata: first\ndata:second\ndata\n\n");
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].data, "first\nsecond\n");
  EXPECT_EQ(events[0].id, "");
  EXPECT_EQ(parser.comments(), 2);
}

TEST(client_sse_parser, AnEventWithoutItsBlankLineIsNotDeliveredYet) {
  std::vector<SseEvent> events;
  SseParser parser([&](const SseEvent& event) { events.push_back(event); });
  parser.feed("id: 1\ndata: x\n");
  EXPECT_TRUE(events.empty());
  parser.feed("\n");
  EXPECT_EQ(events.size(), 1u);
}

}  // namespace
}  // namespace soundscripter
