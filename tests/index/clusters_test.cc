// Unit tests for index/clusters: keyword and label extraction, and
// FindClusters' contract on a small themed index.
#include "index/clusters.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "index/index_writer.h"
#include "index/searcher.h"
#include "index/semantic_space.h"
#include "tests/index/test_index.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace storyline::index {
namespace {

using clusters_internal::KeywordStems;
using clusters_internal::PickLabel;
using ::storyline::index::testing::MakeArticle;
using ::storyline::index::testing::WriteArticles;
using ::storyline::testing::IsOk;
using ::storyline::testing::StatusIs;
using ::storyline::testing::TempDir;

TEST(PickLabelTest, SkipsTakenLabelsAndStopWords) {
  EXPECT_EQ(PickLabel({"the", "Premier League", "goal"}, {}), "Premier League");
  EXPECT_EQ(PickLabel({"Premier League", "goal"}, {"premier league"}), "goal");
  EXPECT_EQ(PickLabel({"Said", "and"}, {}), "");
}

// Three themes of six articles, written as a reporter would.
std::vector<storyline::v1::Article> ThemedArticles() {
  std::vector<storyline::v1::Article> out;
  const char* themes[3][6] = {
      {"The tidal barrage vote passed after councillors debated the barrage costs.",
       "Councillors said the tidal barrage would protect the harbour from floods.",
       "A review of tidal barrage costs was demanded by the opposition councillors.",
       "The barrage plan divided councillors at a late-night council vote.",
       "Harbour traders backed the tidal barrage, councillors heard.",
       "Engineers said the barrage design would cut flood risk for the harbour."},
      {"The striker scored twice as Rovers won the derby at the stadium.",
       "Rovers signed a striker on loan before the derby.",
       "The goalkeeper saved a penalty and Rovers held on in the derby.",
       "A late goal from the striker sent Rovers top of the league.",
       "Rovers fans filled the stadium for the derby against Athletic.",
       "The manager praised his striker after the league win."},
      {"The comet was seen through the observatory telescope on Tuesday.",
       "Astronomers at the observatory tracked the comet across the sky.",
       "A meteorite fragment was recovered and studied at the observatory.",
       "The telescope captured the comet tail in rare detail.",
       "Observatory staff invited the public to view the comet.",
       "The comet will return in seventy years, astronomers said."}};
  for (int t = 0; t < 3; ++t) {
    for (int i = 0; i < 6; ++i) {
      out.push_back(MakeArticle({.id = absl::StrCat("t", t, "-", i),
                                 .title = "",
                                 .body = themes[t][i],
                                 .publish_unix = 1700000000 + t * 100 + i}));
    }
  }
  return out;
}

class ClustersIndexTest : public ::testing::Test {
 protected:
  void SetUp() override {
    {
      auto writer = IndexWriter::Open(dir_.path());
      ASSERT_THAT(writer, IsOk());
      WriteArticles(**writer, ThemedArticles());
    }
    space_ = std::make_unique<SemanticSpace>(
        SemanticSpaceOptions{.index_dir = dir_.path(), .lsa = {.rank = 4}, .background = false});
    ASSERT_THAT(space_->Refresh(), IsOk());
    auto searcher = Searcher::Open(dir_.path(), space_.get());
    ASSERT_THAT(searcher, IsOk());
    searcher_ = std::move(*searcher);
  }
  TempDir dir_;
  std::unique_ptr<SemanticSpace> space_;
  std::unique_ptr<Searcher> searcher_;
};

TEST_F(ClustersIndexTest, KeywordsAreDistinctiveNotFrequent) {
  Xapian::Database db(dir_.path());
  DfCache cache;
  std::vector<SparseVector> vectors;
  for (Xapian::docid did = 1; did <= 6; ++did) {  // the barrage articles
    vectors.push_back(ComputeTfIdfVector(db, db.get_document(did), &cache));
  }
  std::vector<const SparseVector*> ptrs;
  for (const SparseVector& v : vectors) ptrs.push_back(&v);
  const auto stems = KeywordStems(ptrs, db, &cache, 5);
  ASSERT_FALSE(stems.empty());
  Xapian::Stem stem("english");
  EXPECT_EQ(stems[0].first, "Z" + stem("barrage"));
  for (const auto& [s, score] : stems) {
    EXPECT_NE(s, "Z" + stem("the"));
    EXPECT_NE(s, "Z" + stem("said"));
    EXPECT_GT(score, 0);
  }
}

TEST_F(ClustersIndexTest, FindsTheThemesWithReadableDistinctLabels) {
  ClusterParams p;
  p.cluster_count = 3;
  p.seed = 1;
  auto r = searcher_->Clusters(p);
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(r->considered_documents, 18);
  ASSERT_EQ(r->clusters.size(), 3u);
  std::set<std::string> labels;
  for (const ClusterData& c : r->clusters) {
    EXPECT_TRUE(labels.insert(c.label).second) << c.label;
    // All members of one cluster share a theme (ids are t<theme>-<n>).
    std::set<char> themes;
    for (const auto& [id, score] : c.members) themes.insert(id[1]);
    EXPECT_EQ(themes.size(), 1u) << c.label;
    EXPECT_EQ(c.top_stories.size(), 3u);
  }
  EXPECT_TRUE(labels.count("tidal barrage") || labels.count("barrage")) << *labels.begin();
  EXPECT_TRUE(labels.count("comet") || labels.count("observatory") || labels.count("telescope"));
  // Same request, same answer.
  auto again = searcher_->Clusters(p);
  ASSERT_THAT(again, IsOk());
  ASSERT_EQ(again->clusters.size(), r->clusters.size());
  for (size_t i = 0; i < r->clusters.size(); ++i) {
    EXPECT_EQ(again->clusters[i].label, r->clusters[i].label);
    EXPECT_EQ(again->clusters[i].members, r->clusters[i].members);
  }
}

TEST_F(ClustersIndexTest, NoMatchesIsEmptyAndNoModelIsUnavailable) {
  ClusterParams p;
  p.query = "zzzunknownword";
  auto r = searcher_->Clusters(p);
  ASSERT_THAT(r, IsOk());
  EXPECT_TRUE(r->clusters.empty());
  EXPECT_EQ(r->considered_documents, 0);

  auto plain = Searcher::Open(dir_.path());  // no semantic space
  ASSERT_THAT(plain, IsOk());
  EXPECT_THAT((*plain)->Clusters(ClusterParams()),
              StatusIs(absl::StatusCode::kUnavailable, ::testing::HasSubstr("semantic model")));
  ClusterParams late;
  late.deadline = absl::InfinitePast();
  EXPECT_THAT(searcher_->Clusters(late),
              StatusIs(absl::StatusCode::kDeadlineExceeded, ::testing::_));
}

}  // namespace
}  // namespace storyline::index
