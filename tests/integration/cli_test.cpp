#include <gtest/gtest.h>

#include "support/process.hpp"
#include "support/test_paths.hpp"

namespace soundscripter::test {
namespace {

TEST(Cli, UnknownSubcommandFailsWithUsage) {
  auto result = run_process({soundscripter_binary(), "no-such-command"});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find("unknown command 'no-such-command'"), std::string::npos) << result.err;
  EXPECT_NE(result.err.find("transcribe"), std::string::npos) << result.err;
}

}  // namespace
}  // namespace soundscripter::test
