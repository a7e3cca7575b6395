// The CLI's text output of responses: what comes first, what an empty
// answer says, and that nothing in the response is hidden.
#include "client/cli/printers.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <iostream>
#include <sstream>
#include <string>

namespace storyline::cli {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

// Runs `print` with std::cout captured; returns what it wrote.
template <typename Fn>
std::string Captured(Fn print) {
  std::ostringstream out;
  std::streambuf* saved = std::cout.rdbuf(out.rdbuf());
  print();
  std::cout.rdbuf(saved);
  return out.str();
}

v1::SearchResponse OneResult() {
  v1::SearchResponse response;
  response.set_total_size(1);
  v1::SearchResult* result = response.add_results();
  result->set_score(3.5);
  result->mutable_article()->set_id("a1");
  result->mutable_article()->set_title("Government budget approved");
  return response;
}

TEST(PrintSearchTest, SuggestionComesBeforeTheResults) {
  v1::SearchResponse response = OneResult();
  response.set_corrected_query("government budget");
  const std::string out = Captured([&] { PrintSearch(response); });
  EXPECT_THAT(out, StartsWith("Did you mean: government budget\n"));
  EXPECT_LT(out.find("Did you mean"), out.find("Government budget approved")) << out;
}

TEST(PrintSearchTest, SearchedCorrectionsSayTheResultsIncludeThem) {
  v1::SearchResponse response = OneResult();
  response.set_corrected_query("government budget");
  const std::string out = Captured([&] { PrintSearch(response, /*corrections_searched=*/true); });
  EXPECT_THAT(out, StartsWith("Including results for: government budget (--exact"));
  EXPECT_THAT(out, Not(HasSubstr("Did you mean")));
}

TEST(PrintSearchTest, EmptyResultSaysNoResultsNotAboutZero) {
  const std::string out = Captured([] { PrintSearch(v1::SearchResponse()); });
  EXPECT_EQ(out, "No results.\n");
  EXPECT_THAT(out, Not(HasSubstr("About 0")));
}

TEST(PrintSearchTest, EmptyResultShowsTheSuggestion) {
  v1::SearchResponse response;
  response.set_corrected_query("tidal lagoon");
  const std::string out = Captured([&] { PrintSearch(response); });
  EXPECT_EQ(out, "Did you mean: tidal lagoon\n\nNo results.\n");
}

TEST(PrintSearchTest, ResultsKeepTheirCount) {
  const std::string out = Captured([] { PrintSearch(OneResult()); });
  EXPECT_THAT(out, StartsWith("About 1 result\n"));
  EXPECT_THAT(out, HasSubstr("1. [3.50] Government budget approved"));
}

TEST(PrintSimilarTest, ShowsTheSeedsDuplicates) {
  v1::SimilarStoriesResponse response;
  response.add_seed_duplicates("copy-1");
  response.add_seed_duplicates("copy-2");
  v1::SimilarStory* story = response.add_stories();
  story->mutable_article()->set_id("b1");
  story->mutable_article()->set_title("Related story");
  const std::string out = Captured([&] { PrintSimilar(response); });
  EXPECT_THAT(out, StartsWith("Copies of the seed (left out): copy-1, copy-2\n"));
  EXPECT_THAT(out, HasSubstr("Related story"));
}

TEST(PrintClustersTest, SaysWhyThereAreNoClusters) {
  const std::string out =
      Captured([] { PrintClusters(v1::TopicClustersResponse(), "No stories published since X."); });
  EXPECT_EQ(out, "No clusters. No stories published since X.\n");
  EXPECT_EQ(Captured([] { PrintClusters(v1::TopicClustersResponse()); }), "No clusters.\n");
}

TEST(ReplicaPrintStatsTest, AWriterPrintsNoReplicaLines) {
  EXPECT_THAT(Captured([] { PrintStats(v1::IndexStats()); }), Not(HasSubstr("replica")));
}

TEST(ReplicaPrintStatsTest, AReplicaSaysItsWriterAndHowFarBehind) {
  v1::IndexStats stats;
  v1::ReplicaStatus* replica = stats.mutable_replica();
  replica->set_writer("10.0.0.5:7010");
  replica->set_has_copy(true);
  replica->mutable_synced_through()->set_seconds(1700000000);
  replica->set_lag_seconds(2.25);
  replica->set_consecutive_failures(3);
  replica->set_last_error("connection refused");
  const std::string out = Captured([&] { PrintStats(stats); });
  EXPECT_THAT(out, HasSubstr("replica of:  10.0.0.5:7010\n"));
  EXPECT_THAT(out, HasSubstr("at most 2.2 s behind"));  // %.1f rounds half to even
  EXPECT_THAT(out, HasSubstr("3 rounds in a row: connection refused"));
}

TEST(ReplicaPrintStatsTest, AReplicaWithoutACopySaysItIsNotServing) {
  v1::IndexStats stats;
  stats.mutable_replica()->set_writer("w:1");
  const std::string out = Captured([&] { PrintStats(stats); });
  EXPECT_THAT(out, HasSubstr("no full copy yet: not serving"));
  EXPECT_THAT(out, HasSubstr("not yet since it started"));
}

}  // namespace
}  // namespace storyline::cli
