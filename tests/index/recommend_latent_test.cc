// Tests for index/recommender with a semantic model: the history's
// neighbours in the latent space become candidates, so a story on the
// reader's topic that shares none of the history's words is recommended;
// the request's rules (filter, as_of, history left out) hold for such
// candidates too; and without a model Recommend stays lexical.
//
// The index: football, finance and space articles. Football words come in
// two halves; most football articles mix both, so the model learns that
// the halves belong together. The history uses only the first half, one
// article ("latent") only the second: no word in common.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "index/recommender.h"
#include "index/searcher.h"
#include "index/semantic_space.h"
#include "tests/index/test_index.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace storyline::index {
namespace {

using ::storyline::index::testing::MakeArticle;
using ::storyline::index::testing::WriteArticles;
using ::storyline::testing::IsOk;
using ::storyline::testing::TempDir;
using ::testing::IsEmpty;
using ::testing::Not;

const std::vector<std::string> kFootballA = {"striker",  "goal",   "keeper",  "penalty",
                                             "midfield", "league", "referee", "stadium"};
const std::vector<std::string> kFootballB = {"coach",  "transfer", "derby",   "fixture",
                                             "winger", "tackle",   "offside", "season"};
const std::vector<std::vector<std::string>> kOtherThemes = {
    {"inflation", "bank", "rates", "bond", "market", "shares", "investor", "profit", "dividend",
     "currency", "lending", "mortgage", "treasury", "earnings", "deficit", "yield"},
    {"comet", "orbit", "telescope", "galaxy", "planet", "rocket", "launch", "astronaut",
     "satellite", "nebula", "asteroid", "crater", "lunar", "module", "probe", "spacecraft"},
};
constexpr int kPerTheme = 20;
constexpr int64_t kLatentPublished = 5000;  // the latent-only article's publish time

// `n` words drawn from `vocabulary`.
std::string Words(const std::vector<std::string>& vocabulary, int n, std::mt19937& rng) {
  std::uniform_int_distribution<size_t> pick(0, vocabulary.size() - 1);
  std::vector<std::string> words;
  for (int i = 0; i < n; ++i) words.push_back(vocabulary[pick(rng)]);
  return absl::StrJoin(words, " ");
}

std::vector<storyline::v1::Article> Corpus() {
  std::mt19937 rng(11);
  std::vector<std::string> football = kFootballA;
  football.insert(football.end(), kFootballB.begin(), kFootballB.end());
  std::vector<storyline::v1::Article> articles;
  for (int i = 0; i < kPerTheme; ++i) {
    articles.push_back(MakeArticle(
        {.id = absl::StrCat("football-", i), .body = Words(football, 12, rng), .topic = "sport"}));
    for (size_t t = 0; t < kOtherThemes.size(); ++t) {
      articles.push_back(MakeArticle({.id = absl::StrCat("other", t, "-", i),
                                      .body = Words(kOtherThemes[t], 12, rng),
                                      .topic = t == 0 ? "business" : "science"}));
    }
  }
  for (int i = 0; i < 5; ++i) {
    articles.push_back(MakeArticle(
        {.id = absl::StrCat("read-", i), .body = Words(kFootballA, 12, rng), .topic = "sport"}));
  }
  articles.push_back(
      MakeArticle({.id = "latent",
                   .body = "coach transfer derby fixture winger tackle offside season",
                   .topic = "sport",
                   .publish_unix = kLatentPublished}));
  return articles;
}

class RecommendLatentTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto writer = IndexWriter::Open(dir_.path());
    ASSERT_THAT(writer, IsOk());
    WriteArticles(**writer, Corpus());
    writer->reset();
    space_ = std::make_unique<SemanticSpace>(
        SemanticSpaceOptions{.index_dir = dir_.path(), .lsa = {.rank = 3}, .background = false});
    ASSERT_THAT(space_->Refresh(), IsOk());
    ASSERT_NE(space_->Current(), nullptr);
    auto searcher = Searcher::Open(dir_.path(), space_.get());
    ASSERT_THAT(searcher, IsOk());
    searcher_ = std::move(*searcher);
  }

  // Recommend after the five first-half football articles, the whole index
  // as candidates.
  static RecommendParams ReadFootball() {
    RecommendParams p;
    for (int i = 0; i < 5; ++i) p.history.push_back({absl::StrCat("read-", i)});
    p.page_size = 100;
    p.as_of = absl::FromUnixSeconds(kLatentPublished + 1);
    return p;
  }

  // The position of article `id` in `hits`, or -1.
  static int Rank(const RecommendResults& r, const std::string& id) {
    for (size_t i = 0; i < r.hits.size(); ++i) {
      if (r.hits[i].article.id() == id) return static_cast<int>(i);
    }
    return -1;
  }

  TempDir dir_;
  std::unique_ptr<SemanticSpace> space_;
  std::unique_ptr<Searcher> searcher_;
};

TEST_F(RecommendLatentTest, ALatentOnlyNeighbourIsRecommendedAboveOtherTopics) {
  auto r = searcher_->Recommend(ReadFootball());
  ASSERT_THAT(r, IsOk());
  const int latent = Rank(*r, "latent");
  ASSERT_GE(latent, 0) << "an on-topic story sharing no word with the history";
  // Every story ranked above it is football (other football articles share
  // words with the history as well as its place in the space).
  for (int i = 0; i < latent; ++i) {
    EXPECT_EQ(r->hits[i].article.topic(), "sport") << r->hits[i].article.id();
  }
  const RecommendHit& hit = r->hits[latent];
  EXPECT_THAT(hit.because, Not(IsEmpty())) << "it follows from history articles";
  EXPECT_THAT(hit.shared_terms, IsEmpty());
  EXPECT_GT(hit.score, 0);
  EXPECT_LE(hit.score, 1);
  for (const RecommendHit& h : r->hits) {
    EXPECT_NE(h.article.id().substr(0, 5), "read-") << "history is never recommended";
  }
}

TEST_F(RecommendLatentTest, LatentCandidatesKeepTheFilterAndAsOf) {
  RecommendParams p = ReadFootball();
  p.as_of = absl::FromUnixSeconds(kLatentPublished - 1);
  auto early = searcher_->Recommend(p);
  ASSERT_THAT(early, IsOk());
  EXPECT_EQ(Rank(*early, "latent"), -1) << "published after as_of";

  p = ReadFootball();
  p.filter.topics = {"business"};
  auto business = searcher_->Recommend(p);
  ASSERT_THAT(business, IsOk());
  EXPECT_EQ(Rank(*business, "latent"), -1);
  for (const RecommendHit& h : business->hits) EXPECT_EQ(h.article.topic(), "business");
}

TEST_F(RecommendLatentTest, WithoutAModelOnlyArticlesSharingWordsAreRecommended) {
  auto plain = Searcher::Open(dir_.path());
  ASSERT_THAT(plain, IsOk());
  auto r = (*plain)->Recommend(ReadFootball());
  ASSERT_THAT(r, IsOk());
  ASSERT_FALSE(r->hits.empty());
  EXPECT_EQ(Rank(*r, "latent"), -1);
  for (const RecommendHit& h : r->hits) {
    EXPECT_EQ(h.article.topic(), "sport") << h.article.id();
    EXPECT_THAT(h.shared_terms, Not(IsEmpty())) << h.article.id();
  }
}

}  // namespace
}  // namespace storyline::index
