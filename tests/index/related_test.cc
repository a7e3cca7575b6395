// Tests for index/similar_stories and index/recommender: SimilarStories and
// Recommend on a small hand-written index.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "absl/synchronization/notification.h"
#include "index/index_layout.h"
#include "index/index_writer.h"
#include "index/recommender.h"
#include "index/searcher.h"
#include "index/similar_stories.h"
#include "index/write_pipeline.h"
#include "tests/index/test_index.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace storyline::index {
namespace {

using ::storyline::index::ArticleIndexer;
using ::storyline::index::testing::MakeArticle;
using ::storyline::index::testing::WriteArticles;
using ::storyline::testing::IsOk;
using ::storyline::testing::StatusIs;
using ::storyline::testing::TempDir;
using ::testing::ElementsAre;
using ::testing::Not;

class RelatedIndexTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto writer = IndexWriter::Open(dir_.path());
    ASSERT_THAT(writer, IsOk());
    const std::string wire =
        "Greystone Foods will close its Ashford bakery in October with the loss of 210 jobs, the "
        "company announced on Tuesday. The firm said the site needed costly upgrades and had "
        "been losing money for three years. The bakers union called it a hammer blow.";
    std::string copy = wire;
    copy.replace(copy.find("announced"), 9, "said");
    WriteArticles(
        **writer,
        {
            MakeArticle(
                {.id = "wire", .title = "Bakery to close", .body = wire, .publish_unix = 1000}),
            MakeArticle(
                {.id = "copy", .title = "Bakery to close", .body = copy, .publish_unix = 1100}),
            MakeArticle({.id = "dairy",
                         .title = "Creamery expands near Ashford",
                         .body = "Millbrook Dairies will expand its Ashford creamery, adding 120 "
                                 "jobs. The union welcomed the investment in the food industry.",
                         .publish_unix = 2000}),
            MakeArticle(
                {.id = "bakery2",
                 .title = "Ashford bakery workers march",
                 .body = "Workers from the Ashford bakery marched against the closure and "
                         "the loss of jobs. The bakers union asked Greystone Foods to think again.",
                 .publish_unix = 3000}),
            MakeArticle(
                {.id = "space",
                 .title = "Probe reaches comet",
                 .body = "The probe reached the comet after a ten year flight through space.",
                 .publish_unix = 500}),
        });
    auto searcher = Searcher::Open(dir_.path());
    ASSERT_THAT(searcher, IsOk());
    searcher_ = std::move(*searcher);
  }
  TempDir dir_;
  std::unique_ptr<Searcher> searcher_;
};

TEST_F(RelatedIndexTest, SimilarFoldsTheSeedsCopyAndRanksTheFollowUp) {
  SimilarParams p;
  p.article_id = "wire";
  auto r = searcher_->Similar(p);
  ASSERT_THAT(r, IsOk());
  ASSERT_FALSE(r->hits.empty());
  EXPECT_EQ(r->hits[0].article.id(), "bakery2");
  EXPECT_THAT(r->seed_duplicates, ElementsAre("copy"));
  for (const auto& h : r->hits) {
    EXPECT_NE(h.article.id(), "wire");
    EXPECT_NE(h.article.id(), "copy");
    EXPECT_TRUE(h.article.body().empty());
  }
  EXPECT_THAT(r->hits[0].shared_terms, Not(::testing::IsEmpty()));

  p.include_duplicates = true;
  auto all = searcher_->Similar(p);
  ASSERT_THAT(all, IsOk());
  EXPECT_EQ(all->hits[0].article.id(), "copy");
}

TEST_F(RelatedIndexTest, SimilarWindowAndUnknownSeed) {
  SimilarParams p;
  p.article_id = "wire";
  p.before_seed = absl::ZeroDuration();  // background only: published before the seed
  auto r = searcher_->Similar(p);
  ASSERT_THAT(r, IsOk());
  for (const auto& h : r->hits) EXPECT_LE(h.article.publish_time().seconds(), 1000);
  p.article_id = "nope";
  EXPECT_THAT(searcher_->Similar(p), StatusIs(absl::StatusCode::kNotFound, ::testing::_));
}

TEST_F(RelatedIndexTest, RecommendSkipsHistoryCopiesAndExplains) {
  RecommendParams p;
  p.history = {{"wire"}, {"missing"}};
  p.as_of = absl::FromUnixSeconds(10000);
  auto r = searcher_->Recommend(p);
  ASSERT_THAT(r, IsOk());
  EXPECT_THAT(r->unknown_ids, ElementsAre("missing"));
  ASSERT_FALSE(r->hits.empty());
  for (const auto& h : r->hits) {
    EXPECT_NE(h.article.id(), "wire");
    EXPECT_NE(h.article.id(), "copy") << "a copy of a read article";
    EXPECT_THAT(h.because, ElementsAre("wire"));
  }
  // as_of hides what was published later.
  p.as_of = absl::FromUnixSeconds(1500);
  auto early = searcher_->Recommend(p);
  ASSERT_THAT(early, IsOk());
  for (const auto& h : early->hits) EXPECT_LE(h.article.publish_time().seconds(), 1500);

  p.history = {{"missing"}};
  EXPECT_THAT(searcher_->Recommend(p), StatusIs(absl::StatusCode::kNotFound, ::testing::_));
}

// With several shards, Document::get_docid() is per shard; cached vectors
// must be keyed by the combined docid or shard-mates get each other's.
TEST(RelatedShardedTest, CachedVectorsDoNotMixShards) {
  TempDir dir;
  auto writers = OpenShardWriters(dir.Sub("idx"), 2);
  ASSERT_THAT(writers, IsOk());
  {
    WritePipeline pipeline(std::move(*writers));
    ArticleIndexer indexer;
    const std::vector<std::pair<std::string, std::string>> docs = {
        {"a", "orbit rocket launch satellite orbit"}, {"b", "orbit rocket launch payload"},
        {"c", "bread bakery flour oven bread"},       {"d", "bakery flour oven loaves"},
        {"e", "orbit satellite rocket telescope"},    {"f", "bread oven bakery dough"}};
    for (const auto& [id, body] : docs) {
      auto p = indexer.Prepare(MakeArticle({.id = id, .title = id, .body = body}), nullptr);
      ASSERT_THAT(p, IsOk());
      auto doc = std::make_shared<PreparedArticle>(std::move(*p));
      pipeline.SubmitFor(id, [doc](IndexWriter& w) { ASSERT_THAT(w.Upsert(*doc), IsOk()); });
    }
    absl::Notification done;
    pipeline.SubmitCommit(nullptr, [&](absl::StatusOr<uint64_t>) { done.Notify(); });
    done.WaitForNotification();
  }
  auto searcher = Searcher::Open(dir.Sub("idx"));
  ASSERT_THAT(searcher, IsOk());
  for (int round = 0; round < 3; ++round) {  // later rounds use cached vectors
    for (const char* seed : {"a", "c"}) {
      SimilarParams p;
      p.article_id = seed;
      p.page_size = 2;
      auto r = (*searcher)->Similar(p);
      ASSERT_THAT(r, IsOk());
      ASSERT_EQ(r->hits.size(), 2u) << seed;
      const bool space = std::string(seed) == "a";
      for (const auto& h : r->hits) {
        const std::string& id = h.article.id();
        EXPECT_TRUE(space ? (id == "b" || id == "e") : (id == "d" || id == "f"))
            << "round " << round << ", seed " << seed << " got " << id;
      }
    }
  }
}

}  // namespace
}  // namespace storyline::index
