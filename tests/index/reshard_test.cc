// Tests for index/index_layout (recorded shard layout), index/reshard and
// index/index_check: issue 9, defects 4 and 7.
#include "index/reshard.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <xapian.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include "index/article_data.h"
#include "index/index_check.h"
#include "index/index_layout.h"
#include "index/schema.h"
#include "tests/index/test_index.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace storyline::index {
namespace {

namespace fs = std::filesystem;
using ::storyline::index::testing::MakeArticle;
using ::storyline::index::testing::UpsertArticle;
using ::storyline::testing::IsOk;
using ::storyline::testing::StatusIs;
using ::testing::AllOf;
using ::testing::HasSubstr;

// Writes `n` articles "a0".."a<n-1>" into a new index of `shards` shards.
void MakeIndex(const std::string& dir, int shards, int n) {
  auto writers = OpenShardWriters(dir, shards);
  ASSERT_THAT(writers, IsOk());
  for (int i = 0; i < n; ++i) {
    const std::string id = "a" + std::to_string(i);
    UpsertArticle(*(*writers)[ShardForId(id, shards)],
                  MakeArticle({.id = id, .title = "Ferry timetable " + id, .body = "harbour"}));
  }
  for (auto& w : *writers) ASSERT_THAT(w->Commit(), IsOk());
}

void AppendToStub(const std::string& dir, const std::string& line) {
  std::ofstream(fs::path(dir) / "XAPIANDB", std::ios::app) << line << "\n";
}

TEST(ShardLayoutTest, MissingShardIsRefusedNotRecreated) {
  storyline::testing::TempDir tmp;
  const std::string dir = tmp.Sub("idx");
  MakeIndex(dir, 2, 30);
  fs::remove_all(fs::path(dir) / "shard-01");
  EXPECT_THAT(OpenShardWriters(dir, 2),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("missing")));
  EXPECT_FALSE(fs::exists(fs::path(dir) / "shard-01"));
}

TEST(ShardLayoutTest, ShardAppendedToTheStubIsRefused) {
  storyline::testing::TempDir tmp;
  const std::string dir = tmp.Sub("idx");
  MakeIndex(dir, 2, 30);
  { Xapian::WritableDatabase extra((fs::path(dir) / "shard-02").string(), Xapian::DB_CREATE); }
  AppendToStub(dir, "glass shard-02");
  EXPECT_THAT(OpenShardWriters(dir, 2),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       AllOf(HasSubstr("created with 2"), HasSubstr("storyline-admin reshard"))));
}

TEST(ShardLayoutTest, IndexFromBeforeTheRecordGetsItRecorded) {
  storyline::testing::TempDir tmp;
  const std::string dir = tmp.Sub("idx");
  fs::create_directories(dir);
  for (const char* name : {"shard-00", "shard-01"}) {
    Xapian::WritableDatabase db((fs::path(dir) / name).string(), Xapian::DB_CREATE);
    db.commit();
  }
  AppendToStub(dir, "glass shard-00");
  AppendToStub(dir, "glass shard-01");
  ASSERT_THAT(OpenShardWriters(dir, 5), IsOk());
  EXPECT_EQ(Xapian::Database((fs::path(dir) / "shard-01").string()).get_metadata(kMetaShardLayout),
            "1/2");
}

TEST(ReshardTest, MovesEveryArticleToItsShard) {
  storyline::testing::TempDir tmp;
  const std::string dir = tmp.Sub("idx");
  MakeIndex(dir, 2, 300);
  auto r = Reshard(dir, 3);
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(r->articles, 300u);
  EXPECT_EQ(r->duplicates, 0u);
  auto shards = ShardDirs(dir);
  ASSERT_THAT(shards, IsOk());
  ASSERT_EQ(shards->size(), 3u);
  for (size_t s = 0; s < 3; ++s) {
    Xapian::Database db((*shards)[s]);
    for (auto it = db.postlist_begin(""); it != db.postlist_end(""); ++it) {
      v1::Article a;
      ASSERT_THAT(DecodeArticleData(db.get_document(*it).get_data(), &a), IsOk());
      EXPECT_EQ(ShardForId(a.id(), 3), s) << a.id();
    }
  }
  EXPECT_FALSE(fs::exists(fs::path(dir) / "shard-00"));  // the old shards are gone
  EXPECT_EQ(Xapian::Database(dir).get_doccount(), 300u);
  EXPECT_THAT(OpenShardWriters(dir, 1), IsOk());
  EXPECT_THAT(QuickCheck(dir), IsOk());
}

TEST(ReshardTest, MergesCopiesLeftByAnEditedStub) {
  storyline::testing::TempDir tmp;
  const std::string dir = tmp.Sub("idx");
  MakeIndex(dir, 2, 100);
  {  // What re-ingesting after appending a shard to the stub produced.
    auto extra = IndexWriter::Open((fs::path(dir) / "shard-02").string());
    ASSERT_THAT(extra, IsOk());
    for (int i = 0; i < 40; ++i) {
      UpsertArticle(**extra, MakeArticle({.id = "a" + std::to_string(i), .title = "again"}));
    }
    ASSERT_THAT((*extra)->Commit(), IsOk());
  }
  AppendToStub(dir, "glass shard-02");
  auto r = Reshard(dir, 2);
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(r->articles, 100u);
  EXPECT_EQ(r->duplicates, 40u);
  EXPECT_EQ(Xapian::Database(dir).get_doccount(), 100u);
}

TEST(ReshardTest, RefusesWhileTheIndexIsBeingWritten) {
  storyline::testing::TempDir tmp;
  const std::string dir = tmp.Sub("idx");
  MakeIndex(dir, 2, 10);
  auto writers = OpenShardWriters(dir, 2);
  ASSERT_THAT(writers, IsOk());
  EXPECT_THAT(Reshard(dir, 3), StatusIs(absl::StatusCode::kUnavailable, HasSubstr("stop it")));
  EXPECT_THAT(Reshard(dir, 0), StatusIs(absl::StatusCode::kInvalidArgument, ::testing::_));
}

TEST(IndexCheckTest, TruncatedShardFailsQuickAndFullChecks) {
  storyline::testing::TempDir tmp;
  const std::string dir = tmp.Sub("idx");
  MakeIndex(dir, 2, 400);
  EXPECT_THAT(QuickCheck(dir), IsOk());
  std::ostringstream healthy;
  auto none = FullCheck(dir, healthy);
  ASSERT_THAT(none, IsOk());
  EXPECT_EQ(*none, 0u) << healthy.str();
  fs::resize_file(fs::path(dir) / "shard-01" / "docdata.glass", 8192);
  EXPECT_THAT(QuickCheck(dir),
              StatusIs(absl::StatusCode::kDataLoss,
                       AllOf(HasSubstr("shard-01"), HasSubstr("storyline-admin"))));
  std::ostringstream report;
  auto problems = FullCheck(dir, report);
  ASSERT_THAT(problems, IsOk());
  EXPECT_GT(*problems, 0u) << report.str();
}

TEST(IndexCheckTest, RandomBytesInATableFailTheQuickCheck) {
  storyline::testing::TempDir tmp;
  const std::string dir = tmp.Sub("idx");
  MakeIndex(dir, 1, 400);
  const fs::path table = fs::path(dir) / "shard-00" / "termlist.glass";
  std::string noise(fs::file_size(table), '\0');
  for (size_t i = 0; i < noise.size(); ++i) noise[i] = static_cast<char>((i * 2654435761u) >> 13);
  std::ofstream(table, std::ios::binary | std::ios::trunc) << noise;
  EXPECT_FALSE(QuickCheck(dir).ok());
}

}  // namespace
}  // namespace storyline::index
