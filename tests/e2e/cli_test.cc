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
#include "tests/e2e/server_log.h"
#include "tests/testing/status_matchers.h"

namespace storyline::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

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
  EXPECT_THAT(r.out, HasSubstr("3 new"));

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
  EXPECT_THAT(ok.out, HasSubstr("1 updated"));

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
  EXPECT_THAT(r.out, HasSubstr("1 new"));
  EXPECT_THAT(client().GetArticle("stdin-1"), IsOk());
}

TEST_F(CliTest, IngestReportsErrorsInLineOrderAndTheSummaryOnStdout) {
  const std::string file = tmp_.Sub("order.jsonl");
  {
    std::ofstream out(file);
    out << R"({"id":"ord-1","title":"Ferry timetable changes","body":"Boats."})"
        << "\n"
        // Rejected by the server (no id), reported after the stream ends...
        << R"({"id":"","title":"No id","body":"Rejected by the server."})"
        << "\n"
        // ...while this malformed line is found by the reader first.
        << R"({"id":"ord-3","title":"Late","body":"B","publish_time":"yesterday"})"
        << "\n"
        << R"({"id":"ord-4","title":"Harbour crane restored","body":"C","tittle":"x"})"
        << "\n"
        << R"({"id":"ord-5","title":"   ","body":" \t "})"
        << "\n"
        << R"({"id":"ord-6","title":"Headline only"})"
        << "\n";
  }
  CliResult r = Cli("ingest --no-progress " + file);
  EXPECT_EQ(r.exit_code, 1) << r.err;
  const size_t line2 = r.err.find("line 2");
  const size_t line3 = r.err.find("line 3");
  const size_t line4 = r.err.find("line 4");
  const size_t line5 = r.err.find("line 5 (id ord-5)");
  ASSERT_NE(line2, std::string::npos) << r.err;
  ASSERT_NE(line5, std::string::npos) << r.err;
  EXPECT_LT(line2, line3) << r.err;
  EXPECT_LT(line3, line4) << r.err;
  EXPECT_LT(line4, line5) << r.err;
  EXPECT_THAT(r.err, HasSubstr("line 3: publish_time: 'yesterday' is not an RFC 3339 time, e.g. "
                               "2024-05-01T12:00:00Z"));
  EXPECT_THAT(r.err, Not(HasSubstr("googleapis")));
  EXPECT_THAT(r.err, HasSubstr("line 4: unknown field \"tittle\""));
  EXPECT_THAT(r.err, HasSubstr("--ignore_unknown_fields"));
  EXPECT_THAT(r.err, HasSubstr("line 5 (id ord-5): title is empty or blank"));
  EXPECT_THAT(r.err, HasSubstr("line 6 (id ord-6): body is empty or blank"));
  // The summary is the command's result: stdout, not stderr.
  EXPECT_THAT(r.out, HasSubstr("indexed 1 new, 0 updated, 5 rejected"));
  EXPECT_THAT(r.err, Not(HasSubstr("indexed ")));
  EXPECT_THAT(client().GetArticle("ord-5"), StatusIs(absl::StatusCode::kNotFound, ::testing::_));

  // --ignore_unknown_fields indexes the line with the typo'd extra field.
  CliResult lenient = Cli("ingest --no-progress --ignore_unknown_fields " + file);
  EXPECT_THAT(lenient.out, HasSubstr("rejected")) << lenient.err;
  EXPECT_THAT(lenient.err, Not(HasSubstr("line 4")));
  EXPECT_THAT(client().GetArticle("ord-4"), IsOk());

  // --json: the errors in line order, and nothing but the JSON on stdout.
  CliResult json = Cli("--json ingest --no-progress " + file);
  EXPECT_EQ(json.out.rfind("{\"indexed_count\":", 0), 0u) << json.out;
  EXPECT_LT(json.out.find("\"line\":2"), json.out.find("\"line\":3")) << json.out;
  EXPECT_EQ(json.out.find('\n'), json.out.size() - 1) << json.out;
}

TEST_F(CliTest, SearchTakesQueryWordsThatStartWithADash) {
  CliResult after_dashes = Cli("search tidal -- -barrage");
  EXPECT_EQ(after_dashes.exit_code, 0) << after_dashes.err;
  EXPECT_THAT(after_dashes.out, Not(HasSubstr("demo-002"))) << after_dashes.out;
  CliResult quoted = Cli("search 'tidal -barrage'");
  EXPECT_EQ(quoted.exit_code, 0) << quoted.err;
  EXPECT_EQ(quoted.out, after_dashes.out);
  CliResult plain = Cli("search tidal");
  EXPECT_THAT(plain.out, HasSubstr("demo-002")) << "the exclusion above must matter";
}

// Typo tolerance is on by default and says what it searched; --exact
// searches only what was typed and merely suggests the correction.
TEST_F(CliTest, SearchCorrectsTyposUnlessExact) {
  CliResult tolerant = Cli("search lagon");
  ASSERT_EQ(tolerant.exit_code, 0) << tolerant.err;
  EXPECT_THAT(tolerant.out, StartsWith("Including results for: lagoon")) << tolerant.out;
  EXPECT_THAT(tolerant.out, HasSubstr("About ")) << tolerant.out;
  CliResult exact = Cli("search --exact lagon");
  ASSERT_EQ(exact.exit_code, 0) << exact.err;
  EXPECT_EQ(exact.out, "Did you mean: lagoon\n\nNo results.\n");
}

TEST_F(CliTest, SearchAfterAndBeforeTakeDatesAndAges) {
  // The demo corpus runs from 2025-01-05 to 2025-09-29.
  CliResult dates = Cli("--json search --after 2025-09-01 --before 2025-09-29 --page-size 100");
  ASSERT_EQ(dates.exit_code, 0) << dates.err;
  EXPECT_THAT(dates.out, HasSubstr("\"publish_time\":\"2025-09-29T"))
      << "--before DATE keeps the whole day";
  EXPECT_THAT(dates.out, Not(HasSubstr("\"publish_time\":\"2025-08-")));
  CliResult age = Cli("search --after 7d");
  ASSERT_EQ(age.exit_code, 0) << age.err;
  EXPECT_EQ(age.out, "No results.\n");
  CliResult old = Cli("--json search --before 36500d");
  EXPECT_EQ(old.exit_code, 0) << old.err;
  CliResult bad = Cli("search --after yesterday");
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_THAT(bad.err, HasSubstr("--after: \"yesterday\" is not a time"));
}

TEST_F(CliTest, VerboseTimesEveryCommand) {
  for (const char* args : {"-v stats", "-v health", "-v get demo-002", "-v search tidal",
                           "-v delete no-such-id", "-v clusters --since 1d"}) {
    CliResult r = Cli(args);
    EXPECT_THAT(r.err, ::testing::ContainsRegex("[a-z]+: [0-9]+\\.[0-9] ms")) << args;
  }
}

TEST(CliHelpTest, SubcommandHelpListsTheGlobalOptions) {
  TempDir tmp;
  CliResult help = RunCli("search --help", tmp);
  EXPECT_EQ(help.exit_code, 0) << help.err;
  EXPECT_THAT(help.out, HasSubstr("--page-size"));
  for (const char* global : {"--addr", "--json", "--deadline", "--verbose", "--token-file",
                             "--tls-ca", "Global options"}) {
    EXPECT_THAT(help.out, HasSubstr(global)) << help.out;
  }
  EXPECT_THAT(help.out, HasSubstr("Exit codes"));
}

TEST(CliHelpTest, VersionNamesTheVersionAndBuild) {
  TempDir tmp;
  for (const std::string& binary : {std::string(STORYLINE_CLI_BIN) + " --version",
                                    std::string(STORYLINE_SERVER_BIN) + " --version"}) {
    CliResult r = RunProgram(binary, "", tmp);
    EXPECT_EQ(r.exit_code, 0) << binary << r.err;
    const std::string all = r.out + r.err;
    EXPECT_THAT(all, ::testing::ContainsRegex("storyline(-server)? [0-9]+\\.[0-9]+\\.[0-9]+ \\("))
        << binary << ": " << all;
    EXPECT_THAT(all, HasSubstr(" build, NDEBUG"));
    EXPECT_THAT(all, Not(HasSubstr("Debug build (NDEBUG not #defined)")));
  }
#ifdef NDEBUG
  EXPECT_THAT(RunCli("--version", tmp).out, HasSubstr("NDEBUG defined)"));
#endif
}

TEST(ServerBuildTest, LogsItsVersionAndBuildOnceAtStart) {
  TestServer server({"--log_level=info"}, /*capture_log=*/true);
  ASSERT_TRUE(server.ok());
  ASSERT_NE(AwaitLine(server, "listening on"), "") << server.log();
  const std::string log = server.log();
  const std::string line = AwaitLine(server, "storyline-server 0.");
  EXPECT_THAT(line, ::testing::ContainsRegex(
                        "storyline-server [0-9]+\\.[0-9]+\\.[0-9]+ \\(.* build, NDEBUG"))
      << log;
  EXPECT_EQ(log.find("storyline-server 0."), log.rfind("storyline-server 0.")) << "once";
  EXPECT_LT(log.find("storyline-server 0."), log.find("listening on")) << log;
}

}  // namespace
}  // namespace storyline::testing
