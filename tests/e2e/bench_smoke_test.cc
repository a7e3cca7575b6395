// The CI smoke of storyline-bench against a real storyline-server on the
// demo corpus: a 10-second closed-loop `run` over a mix of Search,
// SimilarStories and TopicClusters must have zero errors and OK calls of
// every method; and a short open-loop run must achieve its modest offered
// rate (a check of the scheduler, not a timing figure); and ceiling finds
// raw Xapian hits in the server's own index.
#ifdef STORYLINE_BENCH_BIN

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <regex>
#include <string>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "tests/e2e/cli_runner.h"
#include "tests/e2e/e2e_fixture.h"

namespace storyline::testing {
namespace {

using ::testing::HasSubstr;

class BenchSmokeTest : public SemanticDemoServerTest {
 protected:
  CliResult Bench(const std::string& args) {
    return RunProgram(
        STORYLINE_BENCH_BIN,
        absl::StrCat("run --addr ", server().address(), " --corpus ", STORYLINE_DEMO_JSONL,
                     " --quiet --json ", tmp_.Sub("r.json"), " ", args),
        tmp_);
  }
  std::string Json(const std::string& name = "r.json") {
    std::ifstream in(tmp_.Sub(name));
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  // The number after `"NAME":{"ok":` in the JSON, or -1.
  static double Field(const std::string& json, const std::string& pattern) {
    std::smatch m;
    if (!std::regex_search(json, m, std::regex(pattern + R"(([0-9.]+))"))) return -1;
    double v = -1;
    return absl::SimpleAtod(m[1].str(), &v) ? v : -1;
  }
  TempDir tmp_;
};

TEST_F(BenchSmokeTest, TenSecondMixedRunHasNoErrorsAndEveryMethodAnswers) {
  const CliResult r = Bench(
      "--duration 10 --warmup 1 --concurrency 2 --mix search=80,similar=15,clusters=5 "
      "--max_errors 0");
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  const std::string json = Json();
  EXPECT_EQ(Field(json, R"("overall":\{"ok":[0-9]+,"rejected":[0-9]+,"errors":)"), 0) << json;
  for (const char* method : {"search", "similar", "clusters"}) {
    EXPECT_GT(Field(json, absl::StrCat("\"", method, R"(":\{"ok":)")), 0) << method << json;
  }
}

TEST_F(BenchSmokeTest, OpenLoopAchievesAModestOfferedRate) {
  const CliResult r = Bench("--rate 50 --duration 3 --warmup 0.5 --max_errors 0");
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  const double achieved = Field(Json(), R"("ok_per_second":)");
  EXPECT_NEAR(achieved, 50, 10) << Json();
  EXPECT_THAT(Json(), HasSubstr(R"("mode":"open")"));
}

// ceiling against the same server: its index dir sits beside its log
// (TestServer keeps both in one temp dir).
TEST_F(BenchSmokeTest, CeilingMeasuresServiceRawXapianAndEcho) {
  std::string index = server().log_path();
  index.replace(index.rfind("server.log"), std::string::npos, "index");
  const CliResult r = RunProgram(
      STORYLINE_BENCH_BIN,
      absl::StrCat("ceiling --addr ", server().address(), " --corpus ", STORYLINE_DEMO_JSONL,
                   " --index ", index, " --concurrency 2 --threads 1 --duration 1 --warmup 0.2",
                   " --quiet --json ", tmp_.Sub("c.json")),
      tmp_);
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("service/raw "));
  const std::string json = Json("c.json");
  EXPECT_GT(Field(json, R"("raw_xapian":\{"queries":[0-9]+,"queries_per_second":[0-9.]+,"hits":)"),
            0)
      << json;
  EXPECT_GT(Field(json, R"("echo":\{"ok":)"), 0) << json;
  EXPECT_GT(Field(json, R"("service_over_raw":)"), 0) << json;
}

}  // namespace
}  // namespace storyline::testing

#endif  // STORYLINE_BENCH_BIN
