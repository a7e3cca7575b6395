// Integration tests of the `storyline` CLI against the real server: output,
// --json, exit codes and error messages, and JSONL ingest with bad lines.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <fstream>
#include <string>

#include "tests/e2e/cli_runner.h"
#include "tests/e2e/e2e_fixture.h"
#include "tests/testing/status_matchers.h"

namespace storyline::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class CliTest : public DemoServerTest {
 protected:
  CliResult Cli(const std::string& args) {
    return RunCli("--addr " + server().address() + " " + args, tmp_);
  }
  TempDir tmp_;
};

TEST_F(CliTest, HealthAndStats) {
  CliResult health = Cli("health");
  EXPECT_EQ(health.exit_code, 0) << health.err;
  EXPECT_THAT(health.out, HasSubstr("SERVING"));
  CliResult stats = Cli("stats");
  EXPECT_EQ(stats.exit_code, 0) << stats.err;
  EXPECT_THAT(stats.out, HasSubstr("articles:"));
  CliResult json = Cli("--json stats");
  EXPECT_EQ(json.exit_code, 0) << json.err;
  EXPECT_THAT(json.out, HasSubstr("\"article_count\""));
}

TEST_F(CliTest, SearchHumanAndJson) {
  CliResult r = Cli("search councillors approve tidal barrage --facet topic");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("demo-002"));
  EXPECT_THAT(r.out, HasSubstr("Councillors approve tidal barrage plan"));
  EXPECT_THAT(r.out, HasSubstr("topic:"));
  // Verbose mode reports timing on stderr.
  CliResult v = Cli("-v search tidal barrage");
  ASSERT_EQ(v.exit_code, 0) << v.err;
  EXPECT_THAT(v.err, HasSubstr("ms"));

  CliResult j = Cli("--json search councillors approve tidal barrage");
  ASSERT_EQ(j.exit_code, 0) << j.err;
  EXPECT_EQ(j.out.rfind("{\"results\":[{\"article\":{\"id\":\"demo-002\"", 0), 0u) << j.out;
}

TEST_F(CliTest, SearchFiltersAndPaging) {
  CliResult r = Cli("--json search --topic sport --newest --page-size 5");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("\"topic\":\"sport\""));
  EXPECT_THAT(r.out, Not(HasSubstr("\"topic\":\"politics\"")));
  EXPECT_THAT(r.out, HasSubstr("next_page_token"));
}

TEST_F(CliTest, GetAndErrors) {
  CliResult got = Cli("get demo-002");
  EXPECT_EQ(got.exit_code, 0) << got.err;
  EXPECT_THAT(got.out, HasSubstr("late-night council vote"));

  CliResult missing = Cli("get no-such-article");
  EXPECT_EQ(missing.exit_code, 3);
  EXPECT_THAT(missing.err, HasSubstr("NOT_FOUND"));

  CliResult bad_page = Cli("search x --page-size 500");
  EXPECT_EQ(bad_page.exit_code, 3);
  EXPECT_THAT(bad_page.err, HasSubstr("INVALID_ARGUMENT"));
  EXPECT_THAT(bad_page.err, HasSubstr("page_size"));

  CliResult usage = Cli("frobnicate");
  EXPECT_EQ(usage.exit_code, 2);

  CliResult similar = Cli("similar no-such-article");
  EXPECT_EQ(similar.exit_code, 3);
  EXPECT_THAT(similar.err, HasSubstr("NOT_FOUND"));

  CliResult down = RunCli("--addr 127.0.0.1:1 --deadline 2 stats", tmp_);
  EXPECT_EQ(down.exit_code, 3);
  EXPECT_THAT(down.err, HasSubstr("UNAVAILABLE"));
}

TEST_F(CliTest, IngestReportsBadLinesByNumberAndKeepsTheRest) {
  const std::string file = tmp_.Sub("batch.jsonl");
  {
    std::ofstream out(file);
    out << R"({"id":"cli-1","title":"Orchard cider festival returns","body":"Apples."})"
        << "\n"
        << R"({"id":"cli-2","title":"Night buses extended","body":"Later services."})"
        << "\n"
        << R"({"id":"cli-3","title": broken json)"
        << "\n"
        << "\n"
        << R"({"id":"","title":"No id","body":"Rejected by the server."})"
        << "\n"
        << R"({"id":"cli-4","title":"Harbour crane restored","body":"Cranes.","unknownField":1})"
        << "\n"
        << R"({"id":"cli-5","title":"Marathon route announced","body":"Runners."})"
        << "\n";
  }
  CliResult r = Cli("ingest --no-progress " + file);
  EXPECT_EQ(r.exit_code, 1) << "rejected lines must make ingest fail\n" << r.err;
  EXPECT_THAT(r.err, HasSubstr("line 3"));
  EXPECT_THAT(r.err, HasSubstr("line 5"));
  EXPECT_THAT(r.err, HasSubstr("line 6"));
  EXPECT_THAT(r.err, HasSubstr("3 new"));

  for (const char* id : {"cli-1", "cli-2", "cli-5"}) {
    EXPECT_THAT(client().GetArticle(id), IsOk()) << id;
  }
  CliResult found = Cli("search orchard cider");
  EXPECT_THAT(found.out, HasSubstr("cli-1"));

  // A clean file exits 0; re-sending updates.
  const std::string clean = tmp_.Sub("clean.jsonl");
  std::ofstream(clean)
      << R"({"id":"cli-1","title":"Orchard cider festival cancelled","body":"Rain."})"
      << "\n";
  CliResult ok = Cli("ingest --no-progress " + clean);
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
  EXPECT_THAT(ok.err, HasSubstr("1 updated"));

  CliResult del = Cli("delete cli-5");
  EXPECT_EQ(del.exit_code, 0) << del.err;
  EXPECT_THAT(client().GetArticle("cli-5"), StatusIs(absl::StatusCode::kNotFound, ::testing::_));
}

TEST_F(CliTest, IngestFromStdin) {
  const std::string file = tmp_.Sub("stdin.jsonl");
  std::ofstream(file) << R"({"id":"stdin-1","title":"Pier lights switched on","body":"Glow."})"
                      << "\n";
  CliResult r = Cli("ingest --no-progress - < " + file);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.err, HasSubstr("1 new"));
  EXPECT_THAT(client().GetArticle("stdin-1"), IsOk());
}

}  // namespace
}  // namespace storyline::testing
