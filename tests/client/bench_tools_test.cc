// storyline-load and storyline-eval against an in-process fake server:
// their --help lists their flags, and the load tool reports failing calls
// by status code and exits 1, without a throughput, when every call of a
// method failed. Built only with STORYLINE_BUILD_BENCHMARKS.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <string>

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

#ifdef STORYLINE_LOAD_BIN

class LoadToolTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(fake_.ok());
    std::ofstream corpus(tmp_.Sub("corpus.jsonl"));
    corpus << R"({"id":"a1","title":"Interest rates rise again"})" << '\n'
           << R"({"id":"a2","title":"Central bank holds rates"})" << '\n';
  }

  // storyline-load over the two-article corpus, 20 timed calls, no warm-up.
  CliResult RunLoad(const std::string& args) {
    return RunProgram(STORYLINE_LOAD_BIN,
                      absl::StrCat("--addr=", fake_.target(), " --corpus=",
                                   tmp_.Sub("corpus.jsonl"), " --requests=20 --warmup=0 ", args),
                      tmp_);
  }

  FakeServer fake_{/*separate_health=*/true};
  TempDir tmp_;
};

TEST_F(LoadToolTest, SucceedingCallsReportThroughputAndExitZero) {
  const CliResult r = RunLoad("--workloads=search,stats");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("search             ok=20 rejected=0 errors=0 concurrency=1  "));
  EXPECT_THAT(r.out, HasSubstr("req/s"));
  EXPECT_THAT(r.out, Not(HasSubstr("errors by code")));
  EXPECT_THAT(r.out, Not(HasSubstr("every call failed")));
}

TEST_F(LoadToolTest, EveryCallFailingExitsOneWithErrorsByCode) {
  fake_.script().Answer(grpc::Status(grpc::StatusCode::UNAVAILABLE, "index offline"));
  const CliResult r = RunLoad("--workloads=search");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.out, HasSubstr("search             ok=0 rejected=0 errors=20 concurrency=1  "
                               "every call failed\n"));
  EXPECT_THAT(r.out, HasSubstr("errors by code: UNAVAILABLE 20\n"));
  EXPECT_THAT(r.out, Not(HasSubstr("req/s")));
  EXPECT_THAT(r.err, HasSubstr("first error: UNAVAILABLE: index offline"));
  EXPECT_THAT(r.err, HasSubstr("storyline-load: every call of search failed"));
}

TEST_F(LoadToolTest, EveryCallRejectedExitsOne) {
  fake_.script().Answer(grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED, "busy"));
  const CliResult r = RunLoad("--workloads=stats");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.out, HasSubstr("stats              ok=0 rejected=20 errors=0 concurrency=1  "
                               "every call failed\n"));
  EXPECT_THAT(r.out, Not(HasSubstr("errors by code")));
}

TEST_F(LoadToolTest, AMixExitsZeroUnlessEveryCallFailed) {
  fake_.script().AnswerFor("Search", grpc::Status(grpc::StatusCode::INTERNAL, "bug"));
  CliResult r = RunLoad("--workloads=mix --mix=search:1,stats:1");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("every call failed\n"));  // mix/search
  EXPECT_THAT(r.out, HasSubstr("errors by code: INTERNAL "));
  EXPECT_THAT(r.out, HasSubstr("mix/stats          ok="));
  EXPECT_THAT(r.out, HasSubstr("req/s"));

  fake_.script().Answer(grpc::Status(grpc::StatusCode::UNAVAILABLE, "down"));
  r = RunLoad("--workloads=mix --mix=search:1,stats:1");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.out, HasSubstr("mix/all            ok=0 rejected=0 errors=20 concurrency=1  "
                               "every call failed\n"));
  EXPECT_THAT(r.err, HasSubstr("storyline-load: every call of mix failed"));
}

TEST_F(LoadToolTest, JsonCarriesErrorsByCode) {
  fake_.script().Answer(grpc::Status(grpc::StatusCode::DEADLINE_EXCEEDED, "slow"));
  const CliResult r = RunLoad("--workloads=get --json");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.out, HasSubstr(R"("errors":20,)"));
  EXPECT_THAT(r.out, HasSubstr(R"(,"errors_by_code":{"DEADLINE_EXCEEDED":20}})"));
}

TEST_F(LoadToolTest, JsonWithoutErrorsHasNoErrorsByCode) {
  const CliResult r = RunLoad("--workloads=get --json");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr(R"("workload":"get","method":"get","requests":20,)"));
  EXPECT_THAT(r.out, Not(HasSubstr("errors_by_code")));
}

TEST_F(LoadToolTest, UnhealthyServerExitsThree) {
  fake_.health_script().Answer(grpc::Status(grpc::StatusCode::UNAVAILABLE, "starting"));
  const CliResult r = RunLoad("--workloads=search");
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_THAT(r.err, HasSubstr("storyline-load: server not healthy: UNAVAILABLE: starting"));
}

TEST(LoadToolHelpTest, HelpListsTheFlags) {
  const std::string help = HelpOf(STORYLINE_LOAD_BIN);
  EXPECT_THAT(help, HasSubstr("--workloads"));
  EXPECT_THAT(help, HasSubstr("--corpus"));
  EXPECT_THAT(help, Not(HasSubstr("No flags matched")));
}

#endif  // STORYLINE_LOAD_BIN

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
