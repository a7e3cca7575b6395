// The `storyline` CLI against a server that requires tokens: --token-file
// and $STORYLINE_TOKEN pass them; without one the CLI exits 3 with the
// server's UNAUTHENTICATED message, with a wrong one PERMISSION_DENIED.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>

#include <string>

#include "tests/e2e/auth_fixture.h"
#include "tests/e2e/cli_runner.h"
#include "tests/testing/test_server.h"

namespace storyline::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class AuthCliTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    tokens_ = new TempDir;
    server_ = new TestServer({std::string("--seed_jsonl=") + STORYLINE_DEMO_JSONL,
                              "--write_token_file=" + WriteTokenFile(*tokens_, "w", kWriteToken),
                              "--read_token_file=" + WriteTokenFile(*tokens_, "r", kReadToken)});
  }
  static void TearDownTestSuite() {
    delete server_;
    delete tokens_;
  }
  void SetUp() override {
    ASSERT_TRUE(server_->ok()) << "storyline-server did not start";
    unsetenv("STORYLINE_TOKEN");
  }
  void TearDown() override { unsetenv("STORYLINE_TOKEN"); }

  CliResult Cli(const std::string& args) {
    return RunCli("--addr " + server_->address() + " " + args, tmp_);
  }
  static std::string WriteFile() { return tokens_->Sub("w"); }
  static std::string ReadFile() { return tokens_->Sub("r"); }

  TempDir tmp_;
  static TempDir* tokens_;
  static TestServer* server_;
};

TempDir* AuthCliTest::tokens_ = nullptr;
TestServer* AuthCliTest::server_ = nullptr;

TEST_F(AuthCliTest, WithoutTokenExitsThreeUnauthenticated) {
  CliResult r = Cli("stats");
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_THAT(r.err, HasSubstr("UNAUTHENTICATED"));
  EXPECT_THAT(r.err, HasSubstr("authorization: Bearer <token>"));
  CliResult del = Cli("delete demo-001");
  EXPECT_EQ(del.exit_code, 3) << del.err;
  EXPECT_THAT(del.err, HasSubstr("UNAUTHENTICATED"));
  EXPECT_THAT(del.err, HasSubstr("write token"));
}

TEST_F(AuthCliTest, TokenFileReadsAndWrites) {
  CliResult stats = Cli("--token-file " + ReadFile() + " stats");
  EXPECT_EQ(stats.exit_code, 0) << stats.err;
  EXPECT_THAT(stats.out, HasSubstr("articles:"));
  // The spelling of the issue, after the subcommand.
  CliResult search = Cli("search tidal barrage --token_file " + ReadFile());
  EXPECT_EQ(search.exit_code, 0) << search.err;
  EXPECT_THAT(search.out, HasSubstr("demo-002"));

  CliResult denied = Cli("--token-file " + ReadFile() + " delete demo-001");
  EXPECT_EQ(denied.exit_code, 3);
  EXPECT_THAT(denied.err, HasSubstr("PERMISSION_DENIED"));
  EXPECT_THAT(denied.err, Not(HasSubstr(kReadToken)));

  const std::string file = tmp_.Sub("a.jsonl");
  std::ofstream(file) << R"({"id":"cli-auth-1","title":"Tram line opens","body":"Rails."})"
                      << "\n";
  CliResult ingest = Cli("--token-file " + WriteFile() + " ingest --no-progress " + file);
  EXPECT_EQ(ingest.exit_code, 0) << ingest.err;
  CliResult del = Cli("--token-file " + WriteFile() + " delete cli-auth-1");
  EXPECT_EQ(del.exit_code, 0) << del.err;
}

TEST_F(AuthCliTest, EnvironmentToken) {
  setenv("STORYLINE_TOKEN", kReadToken, 1);
  CliResult r = Cli("get demo-002");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("late-night council vote"));
  // --token-file wins over the environment.
  CliResult file_wins = Cli("--token-file " + WriteFile() + " delete no-such-id");
  EXPECT_EQ(file_wins.exit_code, 3);
  EXPECT_THAT(file_wins.err, HasSubstr("NOT_FOUND"));

  setenv("STORYLINE_TOKEN", "wrong-token", 1);
  CliResult wrong = Cli("stats");
  EXPECT_EQ(wrong.exit_code, 3);
  EXPECT_THAT(wrong.err, HasSubstr("PERMISSION_DENIED"));
  EXPECT_THAT(wrong.err, Not(HasSubstr("wrong-token")));
}

TEST_F(AuthCliTest, UnusableTokenIsAUsageError) {
  CliResult missing = Cli("--token-file " + tmp_.Sub("nope") + " stats");
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_THAT(missing.err, HasSubstr("--token-file"));
  setenv("STORYLINE_TOKEN", "two words", 1);
  CliResult spaced = Cli("stats");
  EXPECT_EQ(spaced.exit_code, 2);
  EXPECT_THAT(spaced.err, HasSubstr("$STORYLINE_TOKEN"));
  EXPECT_THAT(spaced.err, Not(HasSubstr("two words")));
}

}  // namespace
}  // namespace storyline::testing
