// Tests for index/searcher.cc over a small index built in code.
#include "index/searcher.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "index/index_writer.h"
#include "index/schema.h"
#include "tests/index/searcher_fixture.h"
#include "tests/index/test_index.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace storyline::index {
namespace {

using ::storyline::index::testing::Corpus;
using ::storyline::index::testing::Ids;
using ::storyline::index::testing::MakeArticle;
using ::storyline::index::testing::SearcherTest;
using ::storyline::index::testing::UpsertArticle;
using ::storyline::testing::IsOk;
using ::storyline::testing::StatusIs;
using ::storyline::testing::TempDir;
using ::storyline::v1::Article;
using ::testing::_;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

TEST(SearcherOpenTest, MissingIndexIsNotFound) {
  TempDir dir;
  EXPECT_THAT(Searcher::Open(dir.Sub("nope")), StatusIs(absl::StatusCode::kNotFound, _));
}

TEST_F(SearcherTest, FindsMatchingArticles) {
  EXPECT_THAT(Ids(MustSearch("football")), ElementsAre("s1"));
  EXPECT_THAT(Ids(MustSearch("phone")), ElementsAre("t1"));
  EXPECT_THAT(Ids(MustSearch("zebra")), IsEmpty());
}

TEST_F(SearcherTest, StemmedQueryMatchesInflections) {
  // "debate" (p1 body) and "debates" (p2 title) share a stem.
  EXPECT_THAT(Ids(MustSearch("debating")), UnorderedElementsAre("p1", "p2"));
}

TEST_F(SearcherTest, TitleMatchRanksFirst) {
  const SearchResults r = MustSearch("harbour");
  EXPECT_THAT(Ids(r), ElementsAre("h1", "h2"));
  ASSERT_EQ(r.hits.size(), 2u);
  EXPECT_GT(r.hits[0].score, r.hits[1].score);
}

TEST_F(SearcherTest, TitlePrefixRestrictsToTitles) {
  // b1 mentions parliament only in its body.
  EXPECT_THAT(Ids(MustSearch("parliament")), UnorderedElementsAre("p1", "p2", "b1"));
  EXPECT_THAT(Ids(MustSearch("title:parliament")), UnorderedElementsAre("p1", "p2"));
  EXPECT_THAT(Ids(MustSearch("title:harbour")), ElementsAre("h1"));
}

TEST_F(SearcherTest, NewestOrderSortsByPublishTimeDescending) {
  SearchParams p;
  p.order = SortOrder::kNewest;
  EXPECT_THAT(AllIds(p), ElementsAre("h2", "h1", "b1", "t1", "s1", "p2", "p1"));
  p.query = "parliament";
  EXPECT_THAT(AllIds(p), ElementsAre("b1", "p2", "p1"));
}

TEST_F(SearcherTest, FacetsCountValuesExactly) {
  SearchParams p;
  p.facets = {"topic", "source"};
  const SearchResults r = MustSearch(p);
  ASSERT_EQ(r.facets.size(), 2u);
  EXPECT_EQ(r.facets[0].field, "topic");
  EXPECT_EQ(r.facets[1].field, "source");

  std::vector<std::pair<std::string, int64_t>> topics, sources;
  for (const FacetCount& c : r.facets[0].values) topics.emplace_back(c.value, c.count);
  for (const FacetCount& c : r.facets[1].values) sources.emplace_back(c.value, c.count);
  EXPECT_THAT(topics, UnorderedElementsAre(std::pair<std::string, int64_t>{"Politics", 2},
                                           std::pair<std::string, int64_t>{"Local", 2},
                                           std::pair<std::string, int64_t>{"Sport", 1},
                                           std::pair<std::string, int64_t>{"Technology", 1},
                                           std::pair<std::string, int64_t>{"Business", 1}));
  EXPECT_THAT(sources, UnorderedElementsAre(std::pair<std::string, int64_t>{"BBC News", 2},
                                            std::pair<std::string, int64_t>{"Reuters", 2},
                                            std::pair<std::string, int64_t>{"Gazette", 2},
                                            std::pair<std::string, int64_t>{"FT", 1}));
  // By descending count.
  for (const Facet& f : r.facets) {
    EXPECT_TRUE(
        std::is_sorted(f.values.begin(), f.values.end(),
                       [](const FacetCount& a, const FacetCount& b) { return a.count > b.count; }))
        << f.field;
  }
}

TEST_F(SearcherTest, FacetsCountAllMatchesNotJustThePage) {
  SearchParams p;
  p.query = "parliament";
  p.page_size = 1;
  p.facets = {"topic"};
  const SearchResults r = MustSearch(p);
  EXPECT_EQ(r.hits.size(), 1u);
  ASSERT_EQ(r.facets.size(), 1u);
  std::vector<std::pair<std::string, int64_t>> topics;
  for (const FacetCount& c : r.facets[0].values) topics.emplace_back(c.value, c.count);
  EXPECT_THAT(topics, ElementsAre(std::pair<std::string, int64_t>{"Politics", 2},
                                  std::pair<std::string, int64_t>{"Business", 1}));
}

TEST_F(SearcherTest, UnknownFacetFieldYieldsEmptyFacet) {
  SearchParams p;
  p.facets = {"author", "topic"};
  const SearchResults r = MustSearch(p);
  ASSERT_EQ(r.facets.size(), 2u);
  EXPECT_EQ(r.facets[0].field, "author");
  EXPECT_THAT(r.facets[0].values, IsEmpty());
  EXPECT_EQ(r.facets[1].field, "topic");
  EXPECT_EQ(r.facets[1].values.size(), 5u);
  EXPECT_TRUE(IsFacetField("topic"));
  EXPECT_TRUE(IsFacetField("source"));
  EXPECT_FALSE(IsFacetField("author"));
  EXPECT_FALSE(IsFacetField("Topic"));
}

TEST_F(SearcherTest, SnippetHighlightsQueryTerms) {
  const SearchResults r = MustSearch("emissions");
  ASSERT_EQ(r.hits.size(), 1u);
  EXPECT_THAT(r.hits[0].snippet, HasSubstr("<em>emissions</em>"));
}

TEST_F(SearcherTest, SnippetFallsBackToTitleWhenNoBody) {
  UpsertArticle(*writer_, MakeArticle({.id = "nobody", .title = "Volcano erupts"}));
  ASSERT_THAT(writer_->Commit(), IsOk());
  const SearchResults r = MustSearch("volcano");
  ASSERT_EQ(r.hits.size(), 1u);
  EXPECT_THAT(r.hits[0].snippet, HasSubstr("<em>Volcano</em>"));
}

TEST_F(SearcherTest, BodyClearedUnlessIncludeBody) {
  SearchParams p;
  p.query = "football";
  SearchResults r = MustSearch(p);
  ASSERT_EQ(r.hits.size(), 1u);
  EXPECT_EQ(r.hits[0].article.body(), "");
  EXPECT_EQ(r.hits[0].article.title(), "Football final ends in a draw");
  EXPECT_EQ(r.hits[0].article.topic(), "Sport");
  EXPECT_EQ(r.hits[0].article.publish_time().seconds(), 1700200000);

  p.include_body = true;
  r = MustSearch(p);
  ASSERT_EQ(r.hits.size(), 1u);
  EXPECT_EQ(r.hits[0].article.body(),
            "The cup final between the two clubs ended level after extra time.");
}

TEST_F(SearcherTest, GetReturnsFullArticle) {
  absl::StatusOr<Article> a = searcher_->Get("p1");
  ASSERT_THAT(a, IsOk());
  EXPECT_EQ(a->SerializeAsString(), Corpus()[0].SerializeAsString());
  EXPECT_FALSE(a->body().empty());
}

TEST_F(SearcherTest, GetUnknownIdIsNotFound) {
  EXPECT_THAT(searcher_->Get("missing"),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("missing")));
  EXPECT_THAT(searcher_->Get(""), StatusIs(absl::StatusCode::kNotFound, _));
  // Ids are exact: case matters.
  EXPECT_THAT(searcher_->Get("P1"), StatusIs(absl::StatusCode::kNotFound, _));
}

TEST_F(SearcherTest, GetLongId) {
  std::string a(256, 'x'), b(256, 'x');
  b.back() = 'y';
  UpsertArticle(*writer_, MakeArticle({.id = a, .title = "first long"}));
  UpsertArticle(*writer_, MakeArticle({.id = b, .title = "second long"}));
  ASSERT_THAT(writer_->Commit(), IsOk());
  absl::StatusOr<Article> got = searcher_->Get(b);
  ASSERT_THAT(got, IsOk());
  EXPECT_EQ(got->title(), "second long");
}

TEST_F(SearcherTest, PagingWalksAllResultsWithoutOverlap) {
  SearchParams p;
  p.order = SortOrder::kNewest;
  p.page_size = 3;
  std::vector<std::string> seen;

  p.offset = 0;
  SearchResults r = MustSearch(p);
  EXPECT_THAT(Ids(r), ElementsAre("h2", "h1", "b1"));
  EXPECT_TRUE(r.has_more);
  EXPECT_EQ(r.total_estimate, 7);

  p.offset = 3;
  r = MustSearch(p);
  EXPECT_THAT(Ids(r), ElementsAre("t1", "s1", "p2"));
  EXPECT_TRUE(r.has_more);

  p.offset = 6;
  r = MustSearch(p);
  EXPECT_THAT(Ids(r), ElementsAre("p1"));
  EXPECT_FALSE(r.has_more);
}

TEST_F(SearcherTest, HasMoreFalseWhenLastPageIsExactlyFull) {
  SearchParams p;
  p.page_size = 7;
  SearchResults r = MustSearch(p);
  EXPECT_EQ(r.hits.size(), 7u);
  EXPECT_FALSE(r.has_more);

  p.page_size = 3;
  p.offset = 4;
  r = MustSearch(p);
  EXPECT_EQ(r.hits.size(), 3u);
  EXPECT_FALSE(r.has_more);

  p.page_size = 6;
  p.offset = 0;
  r = MustSearch(p);
  EXPECT_EQ(r.hits.size(), 6u);
  EXPECT_TRUE(r.has_more);
}

TEST_F(SearcherTest, OffsetPastEndGivesEmptyPage) {
  SearchParams p;
  p.offset = 50;
  const SearchResults r = MustSearch(p);
  EXPECT_THAT(r.hits, IsEmpty());
  EXPECT_FALSE(r.has_more);
}

TEST_F(SearcherTest, OutOfRangePagingIsClamped) {
  SearchParams p;
  p.offset = -5;
  p.page_size = 100000;
  SearchResults r = MustSearch(p);
  EXPECT_EQ(r.hits.size(), 7u);
  p.offset = 0;
  p.page_size = 0;
  r = MustSearch(p);
  EXPECT_LE(r.hits.size(), static_cast<size_t>(kMaxPageSize));
}

TEST_F(SearcherTest, EmptyQueryMatchesAll) {
  for (const std::string q : {"", "   ", "\t\n"}) {
    const SearchResults r = MustSearch(q);
    EXPECT_THAT(Ids(r), UnorderedElementsAre("p1", "p2", "s1", "t1", "b1", "h1", "h2"))
        << "query \"" << absl::CEscape(q) << "\"";
    EXPECT_EQ(r.total_estimate, 7);
    EXPECT_TRUE(r.corrected_query.empty());
  }
}

TEST_F(SearcherTest, DefaultPageSizeIsTen) {
  for (int i = 0; i < 12; ++i) {
    UpsertArticle(*writer_,
                  MakeArticle({.id = "extra" + std::to_string(i), .title = "Extra story"}));
  }
  ASSERT_THAT(writer_->Commit(), IsOk());
  SearchParams p;
  const SearchResults r = MustSearch(p);
  EXPECT_EQ(r.hits.size(), static_cast<size_t>(kDefaultPageSize));
  EXPECT_TRUE(r.has_more);
}

TEST_F(SearcherTest, ReaderSeesNewCommitWithoutReopening) {
  EXPECT_THAT(Ids(MustSearch("volcano")), IsEmpty());
  UpsertArticle(*writer_, MakeArticle({.id = "v1", .title = "Volcano erupts"}));
  // Not visible before the commit...
  EXPECT_THAT(Ids(MustSearch("volcano")), IsEmpty());
  ASSERT_THAT(writer_->Commit(), IsOk());
  // ...and visible after it, through the same Searcher.
  EXPECT_THAT(Ids(MustSearch("volcano")), ElementsAre("v1"));
  absl::StatusOr<Article> got = searcher_->Get("v1");
  EXPECT_THAT(got, IsOk());
}

TEST_F(SearcherTest, ReaderSurvivesManyCommits) {
  // Enough commits that the revision the Searcher first opened is gone.
  for (int i = 0; i < 10; ++i) {
    UpsertArticle(*writer_, MakeArticle({.id = "c" + std::to_string(i),
                                         .title = "Churn story number " + std::to_string(i)}));
    ASSERT_THAT(writer_->Commit(), IsOk());
  }
  SearchParams p;
  p.query = "churn";
  p.page_size = 100;
  EXPECT_EQ(MustSearch(p).hits.size(), 10u);
}

TEST_F(SearcherTest, DeletedArticleDisappears) {
  ASSERT_THAT(writer_->Delete("s1"), IsOk());
  ASSERT_THAT(writer_->Commit(), IsOk());
  EXPECT_THAT(Ids(MustSearch("football")), IsEmpty());
  EXPECT_THAT(searcher_->Get("s1"), StatusIs(absl::StatusCode::kNotFound, _));
}

TEST_F(SearcherTest, UpsertReplacesContent) {
  EXPECT_TRUE(UpsertArticle(*writer_, MakeArticle({.id = "s1",
                                                   .title = "Tennis champion retires",
                                                   .body = "A long career ends.",
                                                   .topic = "Sport",
                                                   .source = "BBC News",
                                                   .publish_unix = 1700200000})));
  ASSERT_THAT(writer_->Commit(), IsOk());
  EXPECT_THAT(Ids(MustSearch("football")), IsEmpty());
  EXPECT_THAT(Ids(MustSearch("title:football")), IsEmpty());
  EXPECT_THAT(Ids(MustSearch("tennis")), ElementsAre("s1"));
  absl::StatusOr<Article> got = searcher_->Get("s1");
  ASSERT_THAT(got, IsOk());
  EXPECT_EQ(got->title(), "Tennis champion retires");
  SearchParams all;
  EXPECT_EQ(MustSearch(all).total_estimate, 7);
}

TEST_F(SearcherTest, UpsertMovesArticleBetweenFilters) {
  UpsertArticle(*writer_, MakeArticle({.id = "t1",
                                       .title = "New phone released",
                                       .topic = "Business",
                                       .source = "FT",
                                       .publish_unix = 1700300000}));
  ASSERT_THAT(writer_->Commit(), IsOk());
  SearchParams p;
  p.topics = {"technology"};
  EXPECT_THAT(AllIds(p), IsEmpty());
  p.topics = {"business"};
  EXPECT_THAT(AllIds(p), UnorderedElementsAre("b1", "t1"));
}

TEST_F(SearcherTest, PastDeadlineIsDeadlineExceeded) {
  SearchParams p;
  p.query = "parliament";
  p.deadline = absl::Now() - absl::Seconds(1);
  EXPECT_THAT(searcher_->Search(p), StatusIs(absl::StatusCode::kDeadlineExceeded, _));
}

TEST_F(SearcherTest, FutureDeadlineSearchesNormally) {
  SearchParams p;
  p.query = "parliament";
  p.page_size = 100;
  p.deadline = absl::Now() + absl::Seconds(30);
  absl::StatusOr<SearchResults> r = searcher_->Search(p);
  ASSERT_THAT(r, IsOk());
  EXPECT_THAT(Ids(*r), UnorderedElementsAre("p1", "p2", "b1"));
}

TEST_F(SearcherTest, StatsReportCountRevisionAndCommitTime) {
  absl::StatusOr<IndexStatsData> s = searcher_->Stats();
  ASSERT_THAT(s, IsOk());
  EXPECT_EQ(s->article_count, 7);
  EXPECT_GT(s->revision, 0u);
  EXPECT_GT(s->disk_bytes, 0);
  ASSERT_TRUE(s->last_commit_time.has_value());
  EXPECT_LE(absl::AbsDuration(absl::Now() - *s->last_commit_time), absl::Minutes(5));

  const uint64_t before = s->revision;
  UpsertArticle(*writer_, MakeArticle({.id = "new", .title = "New"}));
  ASSERT_THAT(writer_->Commit(), IsOk());
  s = searcher_->Stats();
  ASSERT_THAT(s, IsOk());
  EXPECT_EQ(s->article_count, 8);
  EXPECT_GT(s->revision, before);
}

// The matcher is asked for no more than the page, so on its own it may
// stop early and only estimate the count; a small result set is counted
// exactly all the same.
TEST(SearcherCountTest, SmallResultSetsAreCountedExactly) {
  TempDir dir;
  {
    auto writer = IndexWriter::Open(dir.path());
    ASSERT_THAT(writer, IsOk());
    std::vector<Article> articles;
    for (int i = 0; i < 90; ++i) {
      // 40 with "alpha", 40 with "beta" (10 with both), 20 with neither;
      // repeated words give a spread of scores to prune on.
      std::string body = "filler text about nothing much";
      if (i < 40) body += std::string(" alpha") + (i % 3 == 0 ? " alpha alpha" : "");
      if (i >= 30 && i < 70) body += std::string(" beta") + (i % 4 == 0 ? " beta beta" : "");
      articles.push_back(MakeArticle(
          {.id = absl::StrCat("a", i), .title = absl::StrCat("story ", i), .body = body}));
    }
    ::storyline::index::testing::WriteArticles(**writer, articles);
  }
  auto searcher = Searcher::Open(dir.path());
  ASSERT_THAT(searcher, IsOk());
  for (int page_size : {1, 3, 10}) {
    SearchParams p;
    p.query = "alpha beta";
    p.page_size = page_size;
    absl::StatusOr<SearchResults> r = (*searcher)->Search(p);
    ASSERT_THAT(r, IsOk());
    EXPECT_EQ(r->total_estimate, 70) << "page size " << page_size;
  }
}

}  // namespace
}  // namespace storyline::index
