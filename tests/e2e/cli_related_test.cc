// The `storyline` CLI's related-stories commands against the real server on
// the demo corpus (once its semantic model covers it): clusters explain an
// empty window, similar takes a window and shows the seed's copies,
// recommend takes diversity, freshness and as-of.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "tests/e2e/cli_runner.h"
#include "tests/e2e/e2e_fixture.h"
#include "tests/testing/status_matchers.h"

namespace storyline::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class CliRelatedTest : public SemanticDemoServerTest {
 protected:
  CliResult Cli(const std::string& args) {
    return RunCli("--addr " + server().address() + " " + args, tmp_);
  }
  TempDir tmp_;
};

// The "id" values of a JSON reply's articles, in order.
std::vector<std::string> Ids(const std::string& json) {
  std::vector<std::string> ids;
  const std::string key = "\"article\":{\"id\":\"";
  for (size_t at = json.find(key); at != std::string::npos; at = json.find(key, at + 1)) {
    const size_t start = at + key.size();
    ids.push_back(json.substr(start, json.find('"', start) - start));
  }
  return ids;
}

TEST_F(CliRelatedTest, ClustersSayWhyAWindowIsEmpty) {
  // The demo corpus ends on 2025-09-29, long before "now".
  CliResult empty = Cli("clusters --k 6 --since 30d");
  ASSERT_EQ(empty.exit_code, 0) << empty.err;
  EXPECT_THAT(empty.out, HasSubstr("No clusters. No stories published since "));
  EXPECT_THAT(empty.out, HasSubstr("the newest story is from 2025-09-29"));
  CliResult query = Cli("clusters tidal --since 30d");
  EXPECT_THAT(query.out, HasSubstr("the newest matching story is from 2025-"));
  // --json stays the bare response.
  CliResult json = Cli("--json clusters --k 6 --since 30d");
  EXPECT_EQ(json.out, "{}\n");

  // The README's example.
  CliResult readme = Cli("clusters --k 6 --since 2025-01-01");
  ASSERT_EQ(readme.exit_code, 0) << readme.err;
  EXPECT_THAT(readme.out, HasSubstr("1. "));
  EXPECT_THAT(readme.out, HasSubstr("clustered 96 matching articles into 6 topics"));
}

TEST_F(CliRelatedTest, SimilarShowsTheSeedsCopies) {
  CliResult r = Cli("similar demo-009");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("Copies of the seed (left out): demo-010"));
}

TEST_F(CliRelatedTest, SimilarWindowIsRelativeToTheSeed) {
  v1::SimilarStoriesRequest follow;
  follow.set_article_id("demo-001");
  follow.set_page_size(20);
  follow.mutable_published_after()->set_seconds(0);
  auto expected = client().SimilarStories(follow);
  ASSERT_THAT(expected, IsOk());
  ASSERT_GT(expected->stories_size(), 0);
  std::vector<std::string> expected_ids;
  for (const auto& s : expected->stories()) expected_ids.push_back(s.article().id());

  CliResult r = Cli("--json similar demo-001 --page-size 20 --window 0,");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(Ids(r.out), expected_ids);
  CliResult all = Cli("--json similar demo-001 --page-size 20");
  EXPECT_NE(Ids(all.out), expected_ids) << "the window must leave some stories out";

  CliResult around = Cli("similar demo-001 --window -3d,+3d");
  EXPECT_EQ(around.exit_code, 0) << around.err;
  CliResult reversed = Cli("similar demo-001 --window 3d,-3d");
  EXPECT_EQ(reversed.exit_code, 2);
  EXPECT_THAT(reversed.err, HasSubstr("FROM is later than TO"));
  CliResult bad = Cli("similar demo-001 --window soon");
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_THAT(bad.err, HasSubstr("--window takes FROM,TO"));
  CliResult text = Cli("similar --text 'tidal barrage' --window 0,");
  EXPECT_EQ(text.exit_code, 2) << "a window needs a seed article";
}

TEST_F(CliRelatedTest, RecommendTakesDiversityFreshnessAndAsOf) {
  CliResult plain = Cli("--json recommend demo-023 demo-065 --page-size 20");
  ASSERT_EQ(plain.exit_code, 0) << plain.err;
  CliResult diverse = Cli("--json recommend demo-023 demo-065 --page-size 20 --diversity 1");
  ASSERT_EQ(diverse.exit_code, 0) << diverse.err;
  CliResult fresh =
      Cli("--json recommend demo-023 demo-065 --page-size 20 --freshness 1d --as-of 2025-01-06");
  ASSERT_EQ(fresh.exit_code, 0) << fresh.err;
  EXPECT_NE(fresh.out, plain.out) << "a one-day half-life must change the scores";

  CliResult too_diverse = Cli("recommend demo-023 --diversity 1.5");
  EXPECT_EQ(too_diverse.exit_code, 2);
  EXPECT_THAT(too_diverse.err, HasSubstr("--diversity must be between 0"));
  CliResult bad_freshness = Cli("recommend demo-023 --freshness weekly");
  EXPECT_EQ(bad_freshness.exit_code, 2);
  EXPECT_THAT(bad_freshness.err, HasSubstr("--freshness: \"weekly\" is not a span"));
  CliResult bad_as_of = Cli("recommend demo-023 --as-of someday");
  EXPECT_EQ(bad_as_of.exit_code, 2);
  EXPECT_THAT(bad_as_of.err, HasSubstr("--as-of"));
}

}  // namespace
}  // namespace storyline::testing
