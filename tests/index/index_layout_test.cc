// Tests for index/index_layout: sharded index directories and id routing.
#include "index/index_layout.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <xapian.h>

#include <filesystem>
#include <set>
#include <string>

#include "absl/synchronization/notification.h"
#include "index/article_indexer.h"
#include "index/searcher.h"
#include "index/write_pipeline.h"
#include "tests/index/test_index.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace storyline::index {
namespace {

using ::storyline::index::testing::MakeArticle;
using ::storyline::testing::IsOk;
using ::storyline::testing::StatusIs;
using ::storyline::testing::TempDir;

TEST(ShardForIdTest, StableAndSpread) {
  EXPECT_EQ(ShardForId("anything", 1), 0u);
  EXPECT_EQ(ShardForId("bbc-business-001", 2), ShardForId("bbc-business-001", 2));
  // FNV-1a is fixed: these values must never change, or existing indexes
  // would route updates to the wrong shard.
  EXPECT_EQ(ShardForId("a", 2), 0u);
  EXPECT_EQ(ShardForId("b", 2), 1u);
  int counts[4] = {0, 0, 0, 0};
  for (int i = 0; i < 4000; ++i) ++counts[ShardForId("id-" + std::to_string(i), 4)];
  for (int c : counts) EXPECT_GT(c, 800) << "uneven shard spread";
}

TEST(OpenShardWritersTest, NewIndexGetsShardsAndStub) {
  TempDir dir;
  auto writers = OpenShardWriters(dir.Sub("idx"), 3);
  ASSERT_THAT(writers, IsOk());
  EXPECT_EQ(writers->size(), 3u);
  EXPECT_TRUE(std::filesystem::exists(dir.Sub("idx/XAPIANDB")));
  auto dirs = ShardDirs(dir.Sub("idx"));
  ASSERT_THAT(dirs, IsOk());
  ASSERT_EQ(dirs->size(), 3u);
  EXPECT_EQ(std::filesystem::path((*dirs)[2]).filename(), "shard-02");
  // An empty sharded index is readable as one database.
  Xapian::Database db(dir.Sub("idx"));
  EXPECT_EQ(db.get_doccount(), 0u);
}

TEST(OpenShardWritersTest, ExistingIndexKeepsItsShardCount) {
  TempDir dir;
  { ASSERT_THAT(OpenShardWriters(dir.Sub("idx"), 2), IsOk()); }
  auto again = OpenShardWriters(dir.Sub("idx"), 5);
  ASSERT_THAT(again, IsOk());
  EXPECT_EQ(again->size(), 2u);
}

TEST(OpenShardWritersTest, BadShardCountAndLockedIndex) {
  TempDir dir;
  EXPECT_THAT(OpenShardWriters(dir.Sub("idx"), 0),
              StatusIs(absl::StatusCode::kInvalidArgument, ::testing::HasSubstr("shard")));
  auto first = OpenShardWriters(dir.Sub("idx"), 2);
  ASSERT_THAT(first, IsOk());
  EXPECT_THAT(OpenShardWriters(dir.Sub("idx"), 2),
              StatusIs(absl::StatusCode::kUnavailable, ::testing::_));
}

TEST(OpenShardWritersTest, ShardedWritesAreSearchedAsOneIndex) {
  TempDir dir;
  auto writers = OpenShardWriters(dir.Sub("idx"), 2);
  ASSERT_THAT(writers, IsOk());
  WritePipeline pipeline(std::move(*writers));
  ArticleIndexer indexer;
  SpellingCounts spelling;
  std::set<size_t> shards_used;
  for (int i = 0; i < 20; ++i) {
    const std::string id = "art-" + std::to_string(i);
    shards_used.insert(ShardForId(id, 2));
    auto p = indexer.Prepare(
        MakeArticle({.id = id, .title = "Lighthouse keeper number " + std::to_string(i)}),
        &spelling);
    ASSERT_THAT(p, IsOk());
    auto doc = std::make_shared<PreparedArticle>(std::move(*p));
    pipeline.SubmitFor(id, [doc](IndexWriter& w) { ASSERT_THAT(w.Upsert(*doc), IsOk()); });
  }
  EXPECT_EQ(shards_used.size(), 2u);
  absl::Notification done;
  absl::StatusOr<uint64_t> revision;
  pipeline.SubmitCommit(std::make_shared<const SpellingCounts>(spelling),
                        [&](absl::StatusOr<uint64_t> r) {
                          revision = r;
                          done.Notify();
                        });
  done.WaitForNotification();
  ASSERT_THAT(revision, IsOk());
  EXPECT_GE(*revision, 4u) << "two shards, each committed at creation and now";

  auto searcher = Searcher::Open(dir.Sub("idx"));
  ASSERT_THAT(searcher, IsOk());
  SearchParams params;
  params.query = "lighthouse";
  params.page_size = 100;
  auto results = (*searcher)->Search(params);
  ASSERT_THAT(results, IsOk());
  EXPECT_EQ(results->hits.size(), 20u);
  EXPECT_THAT((*searcher)->Get("art-7"), IsOk());
  auto stats = (*searcher)->Stats();
  ASSERT_THAT(stats, IsOk());
  EXPECT_EQ(stats->article_count, 20);
  EXPECT_EQ(stats->revision, *revision);
  // The spelling dictionary (on shard 0) serves the whole index.
  params.query = "lighthuose";
  auto corrected = (*searcher)->Search(params);
  ASSERT_THAT(corrected, IsOk());
  EXPECT_EQ(corrected->corrected_query, "lighthouse");
}

}  // namespace
}  // namespace storyline::index
