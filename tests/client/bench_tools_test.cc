// storyline-bench and storyline-eval against an in-process fake server:
// their --help lists their flags; storyline-bench reports failing calls by
// status code, exits 1 when every call failed or --max_errors is exceeded,
// 2 on a usage error and 3 when the server is not healthy. Built only with
// STORYLINE_BUILD_BENCHMARKS (storyline-bench also needs the server build).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "tests/client/fake_server.h"
#include "tests/e2e/cli_runner.h"
#include "tests/testing/temp_dir.h"

namespace storyline::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// What `binary --help` prints, stdout and stderr (it exits 1, as Abseil's
// --help does).
[[maybe_unused]] std::string HelpOf(const std::string& binary) {
  TempDir tmp;
  const CliResult r = RunProgram(binary, "--help", tmp);
  return r.out + r.err;
}

#ifdef STORYLINE_BENCH_BIN

class BenchToolTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(fake_.ok());
    std::ofstream corpus(tmp_.Sub("corpus.jsonl"));
    corpus << R"({"id":"a1","title":"Interest rates rise again"})" << '\n'
           << R"({"id":"a2","title":"Central bank holds rates"})" << '\n';
  }

  // `storyline-bench SUBCOMMAND` against the fake server over the
  // two-article corpus, then `args`.
  CliResult Bench(const std::string& subcommand, const std::string& args) {
    return RunProgram(STORYLINE_BENCH_BIN,
                      absl::StrCat(subcommand, " --addr ", fake_.target(), " --corpus ",
                                   tmp_.Sub("corpus.jsonl"), " --quiet ", args),
                      tmp_);
  }
  std::string Read(const std::string& name) {
    std::ifstream in(tmp_.Sub(name));
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }

  FakeServer fake_{/*separate_health=*/true};
  TempDir tmp_;
};

TEST_F(BenchToolTest, SucceedingCallsReportEveryMethodAndExitZero) {
  const CliResult r =
      Bench("run", "--duration 0.5 --warmup 0 --mix search=1,stats=1 --json " + tmp_.Sub("r.json") +
                       " --csv " + tmp_.Sub("r.csv") + " --max_errors 0");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("search     ok="));
  EXPECT_THAT(r.out, HasSubstr("stats      ok="));
  EXPECT_THAT(r.out, HasSubstr("ok/s  p50 "));
  EXPECT_THAT(r.out, Not(HasSubstr("errors by code")));
  const std::string json = Read("r.json");
  EXPECT_THAT(json, HasSubstr(R"("mix":"search=1,stats=1")"));
  EXPECT_THAT(json, HasSubstr(R"("methods":{"search":{"ok":)"));
  EXPECT_THAT(Read("r.csv"), HasSubstr("t,ok,errors,p50_ms,p99_ms\n"));
}

TEST_F(BenchToolTest, EveryCallFailingExitsOneWithErrorsByCode) {
  fake_.script().Answer(grpc::Status(grpc::StatusCode::UNAVAILABLE, "index offline"));
  const CliResult r = Bench("run", "--duration 0.3 --warmup 0");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.out, HasSubstr("search     ok=0 rejected=0 errors="));
  EXPECT_THAT(r.out, HasSubstr("every call failed\n"));
  EXPECT_THAT(r.out, HasSubstr("errors by code: UNAVAILABLE "));
  EXPECT_THAT(r.err, HasSubstr("storyline-bench: every call failed"));
}

TEST_F(BenchToolTest, RejectionsAreNotErrors) {
  fake_.script().Answer(grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED, "busy"), "5");
  fake_.script().AnswerFor("GetIndexStats", grpc::Status::OK);
  const CliResult r = Bench("run",
                            "--duration 0.3 --warmup 0 --mix search=1,stats=1 "
                            "--max_errors 0");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("search     ok=0 rejected="));
  EXPECT_THAT(r.out, Not(HasSubstr("errors by code")));
}

TEST_F(BenchToolTest, MoreErrorsThanMaxErrorsExitsOne) {
  fake_.script().AnswerFor("Search", grpc::Status(grpc::StatusCode::INTERNAL, "bug"));
  const CliResult r = Bench("run",
                            "--duration 0.3 --warmup 0 --mix search=1,stats=1 "
                            "--max_errors 0");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.out, HasSubstr("errors by code: INTERNAL "));
  EXPECT_THAT(r.err, HasSubstr("more than --max_errors 0"));
}

TEST_F(BenchToolTest, SendsTheTokenFromTokenFile) {
  std::ofstream(tmp_.Sub("read.token")) << "s3cret-token\n";
  const CliResult r =
      Bench("run", "--duration 0.2 --warmup 0 --token_file " + tmp_.Sub("read.token"));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(fake_.script().authorization(), "Bearer s3cret-token");
  EXPECT_EQ(Bench("run", "--token_file " + tmp_.Sub("missing.token")).exit_code, 2);
}

TEST_F(BenchToolTest, UnhealthyServerExitsThree) {
  fake_.health_script().Answer(grpc::Status(grpc::StatusCode::UNAVAILABLE, "starting"));
  for (const char* sub : {"run", "sweep"}) {
    const CliResult r = Bench(sub, "--warmup 0");
    EXPECT_EQ(r.exit_code, 3) << sub;
    EXPECT_THAT(r.err, HasSubstr("storyline-bench: server not healthy: UNAVAILABLE: starting"));
  }
}

TEST_F(BenchToolTest, UsageErrorsExitTwoSayingWhatToFix) {
  CliResult r = Bench("run", "--mix serch=1");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("--mix: bad entry 'serch=1'"));
  r = Bench("run", "--concurrency 2 --rate 10");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("excludes"));
  r = RunProgram(STORYLINE_BENCH_BIN, "run --addr " + fake_.target(), tmp_);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("give exactly one of --corpus"));
  r = RunProgram(STORYLINE_BENCH_BIN, "frobnicate", tmp_);
  EXPECT_EQ(r.exit_code, 2);
  r = RunProgram(STORYLINE_BENCH_BIN, "", tmp_);
  EXPECT_EQ(r.exit_code, 2);
}

// A uniform schedule and a bound no stall reaches, so only --max_steps
// stops it, however loaded the machine.
TEST_F(BenchToolTest, SweepStepsUpAndDrawsTheCurve) {
  const CliResult r = Bench("sweep",
                            "--start 20 --factor 2 --max_steps 2 --step_duration 0.5 "
                            "--warmup 0 --schedule uniform --p99_bound_ms 60000 --svg " +
                                tmp_.Sub("c.svg") + " --json " + tmp_.Sub("s.json"));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("offered/s"));
  EXPECT_THAT(r.out, HasSubstr("stopped: --max_steps 2 reached"));
  EXPECT_THAT(Read("c.svg"), HasSubstr("</svg>"));
  EXPECT_THAT(Read("s.json"), HasSubstr(R"("steps":[{"offered":20.0,)"));
  EXPECT_THAT(Read("s.json"), HasSubstr(R"({"offered":40.0,)"));
}

TEST(BenchToolHelpTest, EverySubcommandHasHelp) {
  TempDir tmp;
  CliResult r = RunProgram(STORYLINE_BENCH_BIN, "--help", tmp);
  EXPECT_EQ(r.exit_code, 0);
  for (const char* sub : {"run", "sweep", "ceiling"}) EXPECT_THAT(r.out, HasSubstr(sub));
  const std::vector<std::pair<std::string, std::string>> flags = {
      {"run", "--concurrency"},    {"run", "--rate"},
      {"run", "--max_errors"},     {"run", "--csv"},
      {"sweep", "--p99_bound_ms"}, {"sweep", "--svg"},
      {"ceiling", "--index"},      {"ceiling", "--echo_threads"}};
  for (const auto& [sub, flag] : flags) {
    r = RunProgram(STORYLINE_BENCH_BIN, sub + " --help", tmp);
    EXPECT_EQ(r.exit_code, 0) << sub;
    EXPECT_THAT(r.out, HasSubstr(flag)) << sub;
    EXPECT_THAT(r.out, HasSubstr("--corpus")) << sub;
  }
}

#endif  // STORYLINE_BENCH_BIN

#ifdef STORYLINE_EVAL_BIN
TEST(EvalToolHelpTest, HelpListsTheFlags) {
  const std::string help = HelpOf(STORYLINE_EVAL_BIN);
  EXPECT_THAT(help, HasSubstr("--mode"));
  EXPECT_THAT(help, HasSubstr("--qrels"));
  EXPECT_THAT(help, Not(HasSubstr("No flags matched")));
}
#endif  // STORYLINE_EVAL_BIN

}  // namespace
}  // namespace storyline::testing
