// The smoke of `storyline-eval --mode=recommend` against a real
// storyline-server on the demo corpus (8 topics of 12 articles): it asks
// with one-topic histories and prints the on-topic share and latency; a
// history longer than any topic is a usage error saying so.
#ifdef STORYLINE_EVAL_BIN

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <regex>
#include <string>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "tests/e2e/cli_runner.h"
#include "tests/e2e/e2e_fixture.h"
#include "tests/testing/temp_dir.h"

namespace storyline::testing {
namespace {

using ::testing::HasSubstr;

class RecommendEvalTest : public SemanticDemoServerTest {
 protected:
  CliResult Eval(const std::string& args) {
    return RunProgram(STORYLINE_EVAL_BIN,
                      absl::StrCat("--addr=", server().address(),
                                   " --mode=recommend --wait_semantic_seconds=0 --corpus=",
                                   STORYLINE_DEMO_JSONL, " ", args),
                      tmp_);
  }
  // The number after `"NAME":` in `json`, or -1.
  static double Field(const std::string& json, const std::string& name) {
    std::smatch m;
    if (!std::regex_search(json, m, std::regex("\"" + name + R"(":([0-9.]+))"))) return -1;
    double v = -1;
    return absl::SimpleAtod(m[1].str(), &v) ? v : -1;
  }
  TempDir tmp_;
};

TEST_F(RecommendEvalTest, MeasuresTheOnTopicShareOfOneTopicHistories) {
  const CliResult r = Eval("--histories=12 --history_seed=3 --json");
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr(R"("mode":"recommend")"));
  EXPECT_EQ(Field(r.out, "histories"), 12) << r.out;
  EXPECT_EQ(Field(r.out, "history_length"), 5) << r.out;
  EXPECT_EQ(Field(r.out, "errors"), 0) << r.out;
  // A history leaves 7 articles of its topic, so at most 0.7 of a page can
  // be on it; a page drawn at random would be 1/8 on it.
  const double share = Field(r.out, "on_topic_share");
  EXPECT_GT(share, 0.25) << r.out;
  EXPECT_LE(share, 0.7) << r.out;
  EXPECT_GT(Field(r.out, "p99_ms"), 0) << r.out;

  const CliResult text = Eval("--histories=3");
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_THAT(text.out, HasSubstr("recommend: on-topic share of the top 10 = "));
  EXPECT_THAT(text.out, HasSubstr("over 3 histories of 5 (seed 7;"));
}

TEST_F(RecommendEvalTest, AHistoryLongerThanEveryTopicIsAUsageError) {
  const CliResult r = Eval("--history_length=13");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("no topic of"));
  EXPECT_THAT(r.err, HasSubstr("has 13 articles for a history"));
}

}  // namespace
}  // namespace storyline::testing

#endif  // STORYLINE_EVAL_BIN
