// The fixture of the Searcher tests: a small index built in code (seven
// articles on politics, sport, technology, business and local news) and a
// Searcher over it. Shared by searcher_test.cc, query_parser_test.cc and
// filter_test.cc.
#ifndef STORYLINE_TESTS_INDEX_SEARCHER_FIXTURE_H_
#define STORYLINE_TESTS_INDEX_SEARCHER_FIXTURE_H_

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/escaping.h"
#include "index/index_writer.h"
#include "index/searcher.h"
#include "tests/index/test_index.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace storyline::index::testing {

using ::storyline::v1::Article;

inline std::vector<Article> Corpus() {
  return {
      MakeArticle({.id = "p1",
                   .title = "Parliament passes budget",
                   .body = "The parliament voted on the annual budget after a long debate.",
                   .topic = "Politics",
                   .source = "BBC News",
                   .publish_unix = 1700000000,
                   .tags = {"Budget", "UK"}}),
      MakeArticle({.id = "p2",
                   .title = "Parliament debates climate bill",
                   .body = "Members of parliament argued about emissions targets.",
                   .topic = "Politics",
                   .source = "Reuters",
                   .publish_unix = 1700100000}),
      MakeArticle({.id = "s1",
                   .title = "Football final ends in a draw",
                   .body = "The cup final between the two clubs ended level after extra time.",
                   .topic = "Sport",
                   .source = "BBC News",
                   .publish_unix = 1700200000}),
      MakeArticle({.id = "t1",
                   .title = "New phone released",
                   .body = "The company unveiled a phone with a faster chip and a better camera.",
                   .topic = "Technology",
                   .source = "Reuters",
                   .publish_unix = 1700300000}),
      MakeArticle({.id = "b1",
                   .title = "Markets rally on budget news",
                   .body = "Stocks rose as investors welcomed the budget and the parliament vote.",
                   .topic = "Business",
                   .source = "FT",
                   .publish_unix = 1700400000}),
      // "harbour" is a title word of h1 (with a long body) but only a body
      // word of h2 (short): without title weighting h2 would rank first.
      MakeArticle({.id = "h1",
                   .title = "Harbour reopens",
                   .body = "Boats returned to the town after months of repairs to walls, "
                           "piers, cranes, roads, sheds, lights, gates, ramps and moorings "
                           "paid for by the council and several local businesses.",
                   .topic = "Local",
                   .source = "Gazette",
                   .publish_unix = 1700500000}),
      MakeArticle({.id = "h2",
                   .title = "Weather",
                   .body = "Rain near the harbour.",
                   .topic = "Local",
                   .source = "Gazette",
                   .publish_unix = 1700600000}),
  };
}

inline std::vector<std::string> Ids(const SearchResults& r) {
  std::vector<std::string> ids;
  for (const SearchHit& h : r.hits) ids.push_back(h.article.id());
  return ids;
}

class SearcherTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<std::unique_ptr<IndexWriter>> w = IndexWriter::Open(dir_.path());
    ASSERT_THAT(w, storyline::testing::IsOk());
    writer_ = std::move(w).value();
    WriteArticles(*writer_, Corpus());
    absl::StatusOr<std::unique_ptr<Searcher>> s = Searcher::Open(dir_.path());
    ASSERT_THAT(s, storyline::testing::IsOk());
    searcher_ = std::move(s).value();
  }

  SearchResults MustSearch(const SearchParams& params) {
    absl::StatusOr<SearchResults> r = searcher_->Search(params);
    EXPECT_THAT(r, storyline::testing::IsOk()) << "query \"" << absl::CEscape(params.query) << "\"";
    return r.ok() ? *std::move(r) : SearchResults{};
  }

  SearchResults MustSearch(const std::string& query) {
    SearchParams p;
    p.query = query;
    p.page_size = 100;
    return MustSearch(p);
  }

  std::vector<std::string> AllIds(SearchParams p) {
    p.page_size = 100;
    return Ids(MustSearch(p));
  }

  storyline::testing::TempDir dir_;
  std::unique_ptr<IndexWriter> writer_;
  std::unique_ptr<Searcher> searcher_;
};

}  // namespace storyline::index::testing

#endif  // STORYLINE_TESTS_INDEX_SEARCHER_FIXTURE_H_
