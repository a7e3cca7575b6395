// storyline-server start-up errors that must stop it with a clear message,
// rather than start in a state nobody asked for, and its --help (issue 11).

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "storyline/client.h"
#include "tests/e2e/auth_fixture.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"
#include "tests/testing/test_server.h"

namespace storyline::testing {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;

// gRPC turns on SO_REUSEPORT by default; a second server on the same port
// then shared it silently and answered some calls from an empty index.
TEST(StartupTest, ASecondServerOnAPortInUseRefusesToStart) {
  TestServer first;
  ASSERT_TRUE(first.ok());
  TempDir dir;
  const ExitResult second =
      RunServerToExit("--index_dir=" + dir.Sub("index") + " --listen=" + first.address());
  EXPECT_EQ(second.exit_code, 1) << second.output;
  EXPECT_THAT(second.output, AllOf(HasSubstr("cannot listen on " + first.address()),
                                   HasSubstr("Address already in use")));
  Client client({.target = first.address()});
  EXPECT_THAT(client.GetIndexStats(), IsOk()) << "the first server must keep serving";
}

// spdlog's own parser turns an unknown level name into "off".
TEST(StartupTest, AnUnknownLogLevelIsAStartupErrorListingTheValidOnes) {
  TempDir dir;
  const ExitResult r = RunServerToExit("--index_dir=" + dir.Sub("index") +
                                       " --listen=127.0.0.1:0 --log_level=verbose");
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_THAT(r.output,
              HasSubstr("--log_level is \"verbose\"; use trace, debug, info, warn, error or off"));
}

// The re-ranking window is clamped nowhere silently: out of range is a
// startup error saying what is allowed.
TEST(StartupTest, AReRankingWindowOutOfRangeIsAStartupError) {
  TempDir dir;
  for (const char* depth : {"0", "1001"}) {
    const ExitResult r = RunServerToExit("--index_dir=" + dir.Sub("index") +
                                         " --listen=127.0.0.1:0 --rerank_depth=" + depth);
    EXPECT_EQ(r.exit_code, 2) << r.output;
    EXPECT_THAT(r.output, HasSubstr(std::string("--rerank_depth is ") + depth +
                                    "; use 1 to 1000 (100 is the default)"));
  }
}

TEST(StartupTest, ASemanticMemoryCapOutOfRangeIsAStartupError) {
  TempDir dir;
  for (const char* mb : {"15", "65537"}) {
    const ExitResult r = RunServerToExit("--index_dir=" + dir.Sub("index") +
                                         " --listen=127.0.0.1:0 --semantic_max_mb=" + mb);
    EXPECT_EQ(r.exit_code, 2) << r.output;
    EXPECT_THAT(r.output, HasSubstr(std::string("--semantic_max_mb is ") + mb +
                                    "; use 16 to 65536 (280 is the default)"));
  }
}

// Abseil's --help listed no flags ("No flags matched") for the server.
TEST(StartupTest, HelpListsTheServersFlags) {
  const ExitResult r = RunServerToExit("--help");
  EXPECT_THAT(r.output, AllOf(HasSubstr("Storyline news search server."), HasSubstr("--index_dir"),
                              HasSubstr("--max_response_bytes"), HasSubstr("--log_level")));
  EXPECT_THAT(r.output, Not(HasSubstr("No flags matched")));
}

}  // namespace
}  // namespace storyline::testing
