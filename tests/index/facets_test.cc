// Facet counts agree with filters: values written in different cases are
// one value, counted as the filter on it matches.
#include "index/facets.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "index/index_writer.h"
#include "index/searcher.h"
#include "tests/index/test_index.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace storyline::index::testing {
namespace {

using ::storyline::testing::IsOk;

class FacetCaseTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto writer = IndexWriter::Open(dir_.path());
    ASSERT_THAT(writer, IsOk());
    std::vector<storyline::v1::Article> articles;
    const std::pair<const char*, const char*> topic_source[] = {
        {"POLITICS", "Wire"}, {"POLITICS", "wire"},    {"POLITICS", "WIRE"},
        {"politics", "Wire"}, {"Politics", "Gazette"}, {"Sport", "Gazette"},
        {"SPORT", "gazette"}, {"sport", "Wire"},       {"Science", "Wire"}};
    int n = 0;
    for (const auto& [topic, source] : topic_source) {
      articles.push_back(MakeArticle({.id = "a" + std::to_string(++n),
                                      .title = "Vaccine news " + std::to_string(n),
                                      .body = "A story about the vaccine.",
                                      .topic = topic,
                                      .source = source}));
    }
    articles.push_back(MakeArticle(
        {.id = "other", .title = "Weather", .body = "Sunny skies.", .topic = "POLITICS"}));
    WriteArticles(**writer, articles);
    auto searcher = Searcher::Open(dir_.path());
    ASSERT_THAT(searcher, IsOk());
    searcher_ = *std::move(searcher);
  }

  SearchResults MustSearch(const std::string& query, std::vector<std::string> topics = {},
                           std::vector<std::string> sources = {}) {
    SearchParams p;
    p.query = query;
    p.topics = std::move(topics);
    p.sources = std::move(sources);
    p.facets = {"topic", "source"};
    p.page_size = 100;
    auto r = searcher_->Search(p);
    EXPECT_THAT(r, IsOk());
    return r.ok() ? *std::move(r) : SearchResults{};
  }

  storyline::testing::TempDir dir_;
  std::unique_ptr<Searcher> searcher_;
};

TEST_F(FacetCaseTest, ValuesMergeByCaseAndShowTheMostCommonForm) {
  const SearchResults r = MustSearch("vaccine");
  ASSERT_EQ(r.facets.size(), 2u);
  std::vector<std::pair<std::string, int64_t>> topics, sources;
  for (const FacetCount& v : r.facets[0].values) topics.emplace_back(v.value, v.count);
  for (const FacetCount& v : r.facets[1].values) sources.emplace_back(v.value, v.count);
  using P = std::pair<std::string, int64_t>;
  // Ties between written forms ("SPORT", "Sport", "sport") keep the
  // byte-wise smallest.
  EXPECT_THAT(topics, ::testing::ElementsAre(P{"POLITICS", 5}, P{"SPORT", 3}, P{"Science", 1}));
  EXPECT_THAT(sources, ::testing::ElementsAre(P{"Wire", 6}, P{"Gazette", 3}));
}

TEST_F(FacetCaseTest, EachCountEqualsTheFilteredSearch) {
  for (const std::string query : {"vaccine", ""}) {
    const SearchResults r = MustSearch(query);
    ASSERT_EQ(r.facets.size(), 2u);
    for (const FacetCount& v : r.facets[0].values) {
      const SearchResults filtered = MustSearch(query, {v.value});
      EXPECT_EQ(static_cast<int64_t>(filtered.hits.size()), v.count)
          << "query \"" << query << "\" topic " << v.value;
    }
    for (const FacetCount& v : r.facets[1].values) {
      const SearchResults filtered = MustSearch(query, {}, {v.value});
      EXPECT_EQ(static_cast<int64_t>(filtered.hits.size()), v.count)
          << "query \"" << query << "\" source " << v.value;
    }
  }
}

}  // namespace
}  // namespace storyline::index::testing
