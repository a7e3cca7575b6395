// Tests for index/lsa and index/semantic_space on a synthetic index of three
// themes whose articles share no fixed wording, only a vocabulary.
#include "index/lsa.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "index/article_data.h"
#include "index/index_writer.h"
#include "index/searcher.h"
#include "index/semantic_space.h"
#include "tests/index/test_index.h"
#include "tests/index/theme_corpus.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace storyline::index {
namespace {

using ::storyline::index::testing::MakeArticle;
using ::storyline::index::testing::ThemeArticles;
using ::storyline::index::testing::ThemeText;
using ::storyline::index::testing::WriteArticles;
using ::storyline::testing::IsOk;
using ::storyline::testing::StatusIs;
using ::storyline::testing::TempDir;

// Document `did`'s similarity-view vector (empty if the model lacks it).
std::vector<float> SimilarityOf(const LsaModel& model, Xapian::docid did) {
  std::vector<float> z;
  if (!model.SimilarityVector(did, &z)) z.clear();
  return z;
}

class LsaTest : public ::testing::Test {
 protected:
  static constexpr int kPerTheme = 20;

  void SetUp() override {
    auto writer = IndexWriter::Open(dir_.path());
    ASSERT_THAT(writer, IsOk());
    WriteArticles(**writer, ThemeArticles(kPerTheme, 7));
    db_ = Xapian::Database(dir_.path());
  }

  // The theme of the article with docid `did` (ids are "t<theme>-<n>").
  int ThemeOf(Xapian::docid did) {
    storyline::v1::Article a;
    EXPECT_TRUE(DecodeArticleData(db_.get_document(did).get_data(), &a).ok());
    return a.id()[1] - '0';
  }

  TempDir dir_;
  Xapian::Database db_;
};

TEST_F(LsaTest, NeighboursInTheSpaceShareTheTheme) {
  auto model = LsaModel::Build(db_, {.rank = 3});
  ASSERT_THAT(model, IsOk());
  EXPECT_EQ((*model)->rank(), 3);
  EXPECT_EQ((*model)->document_count(), 3u * kPerTheme);
  int same = 0, total = 0;
  for (Xapian::docid did = 1; did <= db_.get_lastdocid(); ++did) {
    const std::vector<float> z = SimilarityOf(**model, did);
    ASSERT_EQ(z.size(), 3u);
    std::vector<float> topics;
    ASSERT_TRUE((*model)->TopicsVector(did, &topics));
    EXPECT_EQ(topics.size(), 3u);
    EXPECT_NEAR(LsaModel::Dot(z, z), 1.0, 1e-4);
    for (const auto& [n, cos] : (*model)->Nearest(z, 5, did)) {
      EXPECT_NE(n, did);
      same += ThemeOf(n) == ThemeOf(did);
      ++total;
    }
  }
  EXPECT_GE(same, total * 95 / 100);
}

TEST(LsaDotTest, EqualsTheTextbookSumForEveryLength) {
  std::mt19937 rng(3);
  std::uniform_real_distribution<float> value(-1, 1);
  for (size_t n = 0; n <= 41; ++n) {
    std::vector<float> a(n), b(n + 3);  // the longer one's tail is ignored
    for (float& x : a) x = value(rng);
    for (float& x : b) x = value(rng);
    double expected = 0;
    for (size_t i = 0; i < n; ++i) expected += double{a[i]} * double{b[i]};
    EXPECT_NEAR(LsaModel::Dot(a, b), expected, 1e-5) << "length " << n;
    EXPECT_NEAR(LsaModel::Dot(b, a), expected, 1e-5) << "length " << n;
  }
}

TEST_F(LsaTest, DeletedArticlesDoNotShiftTheOthersVectors) {
  {
    auto writer = IndexWriter::Open(dir_.path());
    ASSERT_THAT(writer, IsOk());
    for (const char* id : {"t0-0", "t1-3", "t2-7"}) ASSERT_THAT((*writer)->Delete(id), IsOk());
    ASSERT_THAT((*writer)->Commit(), IsOk());
  }
  db_ = Xapian::Database(dir_.path());
  auto model = LsaModel::Build(db_, {.rank = 8});
  ASSERT_THAT(model, IsOk());
  EXPECT_EQ((*model)->document_count(), 3u * kPerTheme - 3);
  DfCache cache;
  for (Xapian::docid did = 1; did <= db_.get_lastdocid(); ++did) {
    const std::vector<float> z = SimilarityOf(**model, did);
    Xapian::Document doc;
    try {
      doc = db_.get_document(did);
    } catch (const Xapian::DocNotFoundError&) {
      EXPECT_TRUE(z.empty()) << did;
      continue;
    }
    // The article folded in afresh lands on its stored vector; a vector
    // from another row would point elsewhere.
    const std::vector<float> folded = (*model)->Project(ComputeTfIdfVector(db_, doc, &cache));
    ASSERT_FALSE(z.empty()) << did;
    EXPECT_NEAR(LsaModel::Dot(folded, z), 1.0, 1e-3) << did;
  }
}

TEST_F(LsaTest, WordsNeverSeenTogetherStillPointTheSameWay) {
  // "striker" and "stadium" may never share an article, but both live in
  // football articles; "comet" lives elsewhere.
  auto model = LsaModel::Build(db_, {.rank = 3});
  ASSERT_THAT(model, IsOk());
  Xapian::Stem stem("english");
  auto one = [&](const std::string& w) { return (*model)->Project({{"Z" + stem(w), 1.0}}); };
  const std::vector<float> striker = one("striker"), stadium = one("stadium"), comet = one("comet");
  ASSERT_FALSE(striker.empty());
  EXPECT_GT(LsaModel::Dot(striker, stadium), 0.8);
  EXPECT_LT(LsaModel::Dot(striker, comet), 0.3);
  EXPECT_TRUE((*model)->Project({{"Zunheardof", 1.0}}).empty());
}

TEST_F(LsaTest, FoldingInAStoredArticleGivesItsStoredVector) {
  auto model = LsaModel::Build(db_, {.rank = 3});
  ASSERT_THAT(model, IsOk());
  DfCache cache;
  const Xapian::Document doc = db_.get_document(5);
  const std::vector<float> folded = (*model)->Project(ComputeTfIdfVector(db_, doc, &cache));
  EXPECT_NEAR(LsaModel::Dot(folded, SimilarityOf(**model, 5)), 1.0, 1e-3);
  EXPECT_TRUE(SimilarityOf(**model, 100000).empty());
}

// The topics view is stored as 16-bit codes: decoded, it is a unit vector
// within a rounding of the article's exact (folded-in) one, and TopicsDot
// agrees with the dot product of the decoded vector.
TEST_F(LsaTest, TopicsViewCodesStayCloseToTheExactVectors) {
  auto model = LsaModel::Build(db_, {.rank = 8});
  ASSERT_THAT(model, IsOk());
  DfCache cache;
  for (Xapian::docid did = 1; did <= db_.get_lastdocid(); ++did) {
    std::vector<float> stored;
    ASSERT_TRUE((*model)->TopicsVector(did, &stored));
    const std::vector<float> exact =
        (*model)->Project(ComputeTfIdfVector(db_, db_.get_document(did), &cache), LsaView::kTopics);
    EXPECT_NEAR(LsaModel::Dot(stored, stored), 1.0, 1e-5) << did;
    EXPECT_NEAR(LsaModel::Dot(stored, exact), 1.0, 1e-5) << did;
    const std::optional<float> dot = (*model)->TopicsDot(exact, did);
    ASSERT_TRUE(dot.has_value());
    EXPECT_NEAR(*dot, LsaModel::Dot(stored, exact), 1e-5) << did;
  }
  std::vector<float> unused;
  EXPECT_FALSE((*model)->TopicsVector(100000, &unused));
  EXPECT_FALSE((*model)->TopicsDot(unused, 100000).has_value());
}

TEST_F(LsaTest, SameIndexSameOptionsSameModel) {
  auto a = LsaModel::Build(db_, {.rank = 4, .seed = 9});
  auto b = LsaModel::Build(db_, {.rank = 4, .seed = 9});
  ASSERT_THAT(a, IsOk());
  ASSERT_THAT(b, IsOk());
  EXPECT_EQ((*a)->provenance(), (*b)->provenance());
  for (Xapian::docid did = 1; did <= db_.get_lastdocid(); ++did) {
    const std::vector<float> x = SimilarityOf(**a, did), y = SimilarityOf(**b, did);
    ASSERT_EQ(x.size(), y.size());
    for (size_t k = 0; k < x.size(); ++k) EXPECT_EQ(x[k], y[k]);
  }
}

TEST_F(LsaTest, SampledFitStillPlacesEveryArticle) {
  auto model = LsaModel::Build(db_, {.rank = 3, .max_fit_documents = 30});
  ASSERT_THAT(model, IsOk());
  EXPECT_EQ((*model)->document_count(), 3u * kPerTheme);
  int same = 0;
  for (Xapian::docid did = 1; did <= db_.get_lastdocid(); ++did) {
    for (const auto& [n, cos] : (*model)->Nearest(SimilarityOf(**model, did), 1, did)) {
      same += ThemeOf(n) == ThemeOf(did);
    }
  }
  EXPECT_GE(same, 3 * kPerTheme * 9 / 10);
}

TEST_F(LsaTest, SmallIndexGetsASmallerSpace) {
  auto model = LsaModel::Build(db_, {.rank = 40, .similarity_dims = 30});
  ASSERT_THAT(model, IsOk());
  // At most a quarter of the articles (15) or of the ~54 shared words.
  const int rank = (*model)->rank();
  EXPECT_LE(rank, 3 * kPerTheme / 4);
  EXPECT_GE(rank, 10);
  EXPECT_EQ((*model)->dims(LsaView::kSimilarity), rank);
  std::vector<float> topics;
  ASSERT_TRUE((*model)->TopicsVector(1, &topics));
  EXPECT_EQ(topics.size(), static_cast<size_t>(rank));
}

TEST(LsaBuildTest, CopiesDoNotTurnRoundingNoiseIntoDirections) {
  // 5 stories, each ingested 8 times: far fewer real directions than the
  // rank a 40-article index gets.
  TempDir dir;
  {
    auto writer = IndexWriter::Open(dir.path());
    ASSERT_THAT(writer, IsOk());
    std::mt19937 rng(3);
    std::vector<storyline::v1::Article> articles;
    for (int story = 0; story < 5; ++story) {
      const std::string text = ThemeText(story % 3, rng) + " story" + std::to_string(story);
      for (int copy = 0; copy < 8; ++copy) {
        articles.push_back(MakeArticle({.id = absl::StrCat("s", story, "-", copy), .body = text}));
      }
    }
    WriteArticles(**writer, articles);
  }
  Xapian::Database db(dir.path());
  auto model = LsaModel::Build(db, {.rank = 10});
  ASSERT_THAT(model, IsOk());
  for (Xapian::docid did = 1; did <= db.get_lastdocid(); ++did) {
    std::vector<float> z;
    ASSERT_TRUE((*model)->TopicsVector(did, &z));
    for (float x : z) ASSERT_TRUE(std::isfinite(x));
    EXPECT_NEAR(LsaModel::Dot(z, z), 1.0, 1e-3);
    // Its nearest neighbours are its own copies.
    const auto near = (*model)->Nearest(SimilarityOf(**model, did), 7, did);
    storyline::v1::Article self;
    ASSERT_TRUE(DecodeArticleData(db.get_document(did).get_data(), &self).ok());
    for (const auto& [n, cos] : near) {
      storyline::v1::Article other;
      ASSERT_TRUE(DecodeArticleData(db.get_document(n).get_data(), &other).ok());
      EXPECT_EQ(other.id().substr(0, 2), self.id().substr(0, 2));
    }
  }
}

TEST(LsaBuildTest, TooSmallAnIndexIsAClearError) {
  TempDir dir;
  {
    auto writer = IndexWriter::Open(dir.path());
    ASSERT_THAT(writer, IsOk());
    WriteArticles(**writer, {MakeArticle({.id = "a", .body = "one two three"}),
                             MakeArticle({.id = "b", .body = "two three four"})});
  }
  EXPECT_THAT(LsaModel::Build(Xapian::Database(dir.path()), {}),
              StatusIs(absl::StatusCode::kFailedPrecondition, ::testing::HasSubstr("at least 8")));
}

TEST_F(LsaTest, LateBuildIsDeadlineExceeded) {
  EXPECT_THAT(LsaModel::Build(db_, {.rank = 3, .deadline = absl::InfinitePast()}),
              StatusIs(absl::StatusCode::kDeadlineExceeded, ::testing::_));
}

TEST_F(LsaTest, SemanticSpaceRebuildsOnlyWhenTheIndexChanged) {
  SemanticSpace space({.index_dir = dir_.path(), .lsa = {.rank = 3}, .background = false});
  EXPECT_EQ(space.Current(), nullptr);
  ASSERT_THAT(space.Refresh(), IsOk());
  std::shared_ptr<const LsaModel> first = space.Current();
  ASSERT_NE(first, nullptr);
  ASSERT_THAT(space.Refresh(), IsOk());
  EXPECT_EQ(space.Current(), first);  // nothing changed: same model

  {
    db_ = Xapian::Database();
    auto writer = IndexWriter::Open(dir_.path());
    ASSERT_THAT(writer, IsOk());
    std::mt19937 rng(8);
    WriteArticles(**writer, {MakeArticle({.id = "late", .body = ThemeText(0, rng)})});
  }
  ASSERT_THAT(space.Refresh(), IsOk());
  ASSERT_NE(space.Current(), first);
  EXPECT_EQ(space.Current()->document_count(), 3u * kPerTheme + 1);
}

TEST_F(LsaTest, PagesStartedBeforeTheModelKeepTheirOrder) {
  SemanticSpace space({.index_dir = dir_.path(), .lsa = {.rank = 3}, .background = false});
  auto searcher = Searcher::Open(dir_.path(), &space);
  ASSERT_THAT(searcher, IsOk());
  SearchParams p;
  p.query = "striker goal inflation comet";
  p.page_size = 5;
  auto before = (*searcher)->Search(p);
  ASSERT_THAT(before, IsOk());
  EXPECT_TRUE(before->first_stage_order) << "no model yet: BM25 order";

  ASSERT_THAT(space.Refresh(), IsOk());
  auto after = (*searcher)->Search(p);
  ASSERT_THAT(after, IsOk());
  EXPECT_FALSE(after->first_stage_order) << "the model re-ranks new result lists";

  // Page 2 of the list started before the model: same order as a searcher
  // that has no model at all.
  auto plain = Searcher::Open(dir_.path());
  ASSERT_THAT(plain, IsOk());
  p.offset = 5;
  auto expected = (*plain)->Search(p);
  p.first_stage_order = true;
  auto page2 = (*searcher)->Search(p);
  ASSERT_THAT(expected, IsOk());
  ASSERT_THAT(page2, IsOk());
  ASSERT_EQ(page2->hits.size(), expected->hits.size());
  for (size_t i = 0; i < page2->hits.size(); ++i) {
    EXPECT_EQ(page2->hits[i].article.id(), expected->hits[i].article.id());
  }
}

TEST(SemanticSpaceTest, MissingIndexIsUnavailableNotACrash) {
  TempDir dir;
  SemanticSpace space({.index_dir = dir.Sub("none"), .lsa = {}, .background = false});
  EXPECT_THAT(space.Refresh(), StatusIs(absl::StatusCode::kUnavailable, ::testing::_));
  EXPECT_EQ(space.Current(), nullptr);
}

}  // namespace
}  // namespace storyline::index
