#include <gtest/gtest.h>

#include "support/process.hpp"
#include "support/test_paths.hpp"

namespace soundscripter::test {
namespace {

TEST(Cli, UnknownSubcommandFailsWithUsage) {
  auto result = run_process({soundscripter_binary(), "no-such-command"});
  EXPECT_NE(result.exit_code, 0);
  EXPECT_NE(result.err.find("no-such-command"), std::string::npos) << result.err;
}

}  // namespace
}  // namespace soundscripter::test
