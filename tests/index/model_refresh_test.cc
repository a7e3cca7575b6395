// Tests for when the semantic model is current, behind or foreign
// (index/index_stamp) and when SemanticSpace rebuilds it (RebuildDue), and
// for the model's memory budget.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "index/index_stamp.h"
#include "index/index_writer.h"
#include "index/lsa.h"
#include "index/semantic_space.h"
#include "tests/index/test_index.h"
#include "tests/index/theme_corpus.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace storyline::index {
namespace {

using ::storyline::index::testing::ThemeArticles;
using ::storyline::index::testing::WriteArticles;
using ::storyline::testing::IsOk;
using ::storyline::testing::StatusIs;
using ::storyline::testing::TempDir;

IndexStamp Stamp(Xapian::doccount documents, Xapian::docid last, Xapian::rev rev) {
  return {.uuid = "u1:u2", .revisions = {rev, rev}, .documents = documents, .last_docid = last};
}

TEST(IndexStampTest, TextRoundTripsAndRejectsJunk) {
  const IndexStamp stamp = Stamp(1000, 1200, 7);
  EXPECT_EQ(IndexStamp::FromText(stamp.ToText()), stamp);
  EXPECT_EQ(IndexStamp::FromText("documents=3\nlast_docid=3\n"), std::nullopt);
  EXPECT_EQ(IndexStamp::FromText("uuid=a\nrevisions=1,x\ndocuments=3\nlast_docid=3\n"),
            std::nullopt);
  EXPECT_EQ(IndexStamp::FromText("uuid=a\nrevisions=1\ndocuments=-3\nlast_docid=3\n"),
            std::nullopt);
  EXPECT_EQ(IndexStamp::FromText(""), std::nullopt);
}

TEST(IndexStampTest, OpenStampedSeesEachCommit) {
  TempDir dir;
  auto writer = IndexWriter::Open(dir.path());
  ASSERT_THAT(writer, IsOk());
  WriteArticles(**writer, ThemeArticles(3, 1));
  auto first = OpenStamped(dir.path());
  ASSERT_THAT(first, IsOk());
  EXPECT_EQ(first->stamp.documents, 9u);
  EXPECT_EQ(first->stamp.last_docid, 9u);
  EXPECT_FALSE(first->stamp.uuid.empty());
  WriteArticles(**writer, ThemeArticles(1, 2, "more"));
  auto second = OpenStamped(dir.path());
  ASSERT_THAT(second, IsOk());
  EXPECT_EQ(second->stamp.uuid, first->stamp.uuid);
  EXPECT_GT(second->stamp.revisions[0], first->stamp.revisions[0]);
  EXPECT_EQ(DriftOf(first->stamp, second->stamp).fit, ModelDrift::kBehind);
  EXPECT_THAT(OpenStamped(dir.Sub("none")), StatusIs(absl::StatusCode::kUnavailable, ::testing::_));
}

TEST(ModelDriftTest, CountsAddedAndRemovedArticles) {
  const IndexStamp model = Stamp(1000, 1000, 5);
  EXPECT_EQ(DriftOf(model, model).fit, ModelDrift::kCurrent);
  // 50 added, 30 of the model's deleted.
  const ModelDrift d = DriftOf(model, Stamp(1020, 1050, 6));
  EXPECT_EQ(d.fit, ModelDrift::kBehind);
  EXPECT_EQ(d.added, 50u);
  EXPECT_EQ(d.removed, 30u);
  EXPECT_NEAR(d.share, 80.0 / 1020, 1e-9);
  // Only updates (same counts, new revision): behind, nothing added.
  EXPECT_EQ(DriftOf(model, Stamp(1000, 1000, 6)).share, 0);
}

TEST(ModelDriftTest, AnotherIndexIsForeign) {
  const IndexStamp model = Stamp(1000, 1000, 5);
  IndexStamp other = Stamp(1000, 1000, 5);
  other.uuid = "u3:u4";
  EXPECT_EQ(DriftOf(model, other).fit, ModelDrift::kForeign);
  EXPECT_EQ(DriftOf(model, Stamp(900, 900, 9)).fit, ModelDrift::kForeign);  // recreated
  IndexStamp resharded = model;
  resharded.revisions.push_back(1);
  EXPECT_EQ(DriftOf(model, resharded).fit, ModelDrift::kForeign);
}

TEST(RebuildDueTest, FollowsTheDocumentedCriterion) {
  const SemanticSpaceOptions o{.min_rebuild_interval = absl::Seconds(30), .rebuild_share = 0.1};
  const ModelDrift current{.fit = ModelDrift::kCurrent, .share = 0};
  const ModelDrift foreign{.fit = ModelDrift::kForeign};
  const ModelDrift big{.fit = ModelDrift::kBehind, .added = 200, .share = 0.2};
  const ModelDrift small{.fit = ModelDrift::kBehind, .added = 20, .share = 0.02};
  const absl::Duration build = absl::Seconds(60);  // settle age: 600 s
  EXPECT_FALSE(RebuildDue(o, current, true, absl::Hours(100), build));
  // No usable model, or 10% changed: as soon as the index is quiet, or
  // during a long ingest once the model is 10 builds old.
  EXPECT_TRUE(RebuildDue(o, foreign, true, absl::Seconds(1), build));
  EXPECT_TRUE(RebuildDue(o, big, true, absl::Seconds(1), build));
  EXPECT_FALSE(RebuildDue(o, big, false, absl::Seconds(599), build));
  EXPECT_TRUE(RebuildDue(o, big, false, absl::Seconds(600), build));
  // A little changed: only when quiet and the model is 10 builds old.
  EXPECT_FALSE(RebuildDue(o, small, true, absl::Seconds(599), build));
  EXPECT_FALSE(RebuildDue(o, small, false, absl::Hours(100), build));
  EXPECT_TRUE(RebuildDue(o, small, true, absl::Seconds(600), build));
  // A cheap model: the minimum interval still holds.
  EXPECT_FALSE(RebuildDue(o, small, true, absl::Seconds(29), absl::Milliseconds(100)));
  EXPECT_TRUE(RebuildDue(o, small, true, absl::Seconds(30), absl::Milliseconds(100)));
}

TEST(LsaBudgetTest, ATightBudgetGivesFewerDimensionsWithinIt) {
  TempDir dir;
  {
    auto writer = IndexWriter::Open(dir.path());
    ASSERT_THAT(writer, IsOk());
    WriteArticles(**writer, ThemeArticles(40, 5));
  }
  Xapian::Database db(dir.path());
  auto roomy = LsaModel::Build(db, {.rank = 20});
  ASSERT_THAT(roomy, IsOk());
  EXPECT_EQ((*roomy)->rank(), 13);  // a quarter of the 54 shared words
  const uint64_t budget = (*roomy)->memory_bytes() - 600;
  auto tight = LsaModel::Build(db, {.rank = 20, .max_memory_bytes = budget});
  ASSERT_THAT(tight, IsOk());
  EXPECT_LT((*tight)->rank(), (*roomy)->rank());
  EXPECT_LE((*tight)->memory_bytes(), budget);
  EXPECT_THAT(LsaModel::Build(db, {.rank = 20, .max_memory_bytes = 1000}),
              StatusIs(absl::StatusCode::kFailedPrecondition, ::testing::HasSubstr("MiB")));
}

}  // namespace
}  // namespace storyline::index
