// Tests for index/query_parser.cc, through Searcher::Search: search-box
// input never errors, parse fallbacks, operators and spelling correction.
#include "index/query_parser.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "index/schema.h"
#include "tests/index/searcher_fixture.h"
#include "tests/index/test_index.h"
#include "tests/testing/status_matchers.h"

namespace storyline::index {
namespace {

using ::storyline::index::testing::Ids;
using ::storyline::index::testing::SearcherTest;
using ::storyline::index::testing::Unix;
using ::storyline::testing::IsOk;
using ::testing::ElementsAre;
using ::testing::UnorderedElementsAre;

TEST_F(SearcherTest, SearchBoxInputsNeverError) {
  std::string punctuation;
  const std::string pieces[] = {
      "\"",   "(",      ")",      "-", "+", "*", ":", "\\", "'", "?",   "AND", " ",    "OR",
      "NEAR", "title:", "topic:", "!", "~", "^", "[", "]",  "{", "}",   "..",  "/",    "<",
      ">",    "$",      "&",      "|", "#", "@", "%", ";",  ",", "NOT", "XOR", "ADJ/3"};
  for (size_t i = 0; punctuation.size() < 4000; ++i) {
    punctuation += pieces[(i * 7) % std::size(pieces)];
  }
  punctuation.resize(4000);
  const std::string inputs[] = {"what?",
                                "\"unbalanced",
                                "(foo",
                                "foo)",
                                "don't",
                                "-",
                                "AND",
                                "OR OR",
                                "NEAR",
                                "title:",
                                "\"\"",
                                "((((",
                                "a -",
                                "+",
                                "*",
                                "\\",
                                "topic:",
                                "source:",
                                "tag:",
                                "parliament AND",
                                "NOT parliament",
                                "parliament NEAR",
                                "title:\"",
                                "a:b:c",
                                "\xff\xfe",
                                std::string("nul\0byte", 8),
                                punctuation,
                                std::string(4000, '('),
                                std::string(4000, '"')};
  for (const std::string& q : inputs) {
    SearchParams p;
    p.query = q;
    EXPECT_THAT(searcher_->Search(p), IsOk())
        << "query \"" << absl::CEscape(q.substr(0, 80)) << "\" (" << q.size() << " bytes)";
  }
}

TEST_F(SearcherTest, UnparseableQueryFallsBackToWords) {
  // "(parliament" does not parse as a query, but its word still matches.
  EXPECT_THAT(Ids(MustSearch("(parliament")), UnorderedElementsAre("p1", "p2", "b1"));
  // A dangling operator becomes a plain word ("and"), so other articles
  // may match too, but the football article must rank first.
  const std::vector<std::string> ids = Ids(MustSearch("football AND"));
  ASSERT_FALSE(ids.empty());
  EXPECT_EQ(ids[0], "s1");
}

TEST_F(SearcherTest, SearchBoxInputsNeverErrorWithFiltersAndFacets) {
  const std::string inputs[] = {"\"\"", "-", "(((", "title:", "AND", "*", "a -"};
  for (const std::string& q : inputs) {
    SearchParams p;
    p.query = q;
    p.topics = {"politics"};
    p.sources = {"reuters"};
    p.published_after = Unix(0);
    p.order = SortOrder::kNewest;
    p.facets = {"topic", "source"};
    EXPECT_THAT(searcher_->Search(p), IsOk()) << "query \"" << q << "\"";
  }
}

TEST_F(SearcherTest, BooleanOperatorsWork) {
  EXPECT_THAT(Ids(MustSearch("parliament AND budget")), UnorderedElementsAre("p1", "b1"));
  EXPECT_THAT(Ids(MustSearch("parliament -budget")), ElementsAre("p2"));
  EXPECT_THAT(Ids(MustSearch("\"climate bill\"")), ElementsAre("p2"));
}

TEST_F(SearcherTest, SpellingCorrectionSuggestsIndexedWord) {
  const SearchResults r = MustSearch("parliment");
  EXPECT_EQ(r.corrected_query, "parliament");
}

TEST_F(SearcherTest, CorrectlySpelledQueryHasNoCorrection) {
  EXPECT_EQ(MustSearch("parliament").corrected_query, "");
  EXPECT_EQ(MustSearch("parliament budget").corrected_query, "");
  EXPECT_EQ(MustSearch("Parliament").corrected_query, "");
  EXPECT_EQ(MustSearch("title:parliament").corrected_query, "");
  EXPECT_EQ(MustSearch("parliament topic:politics").corrected_query, "");
}

TEST_F(SearcherTest, SpellingCorrectionKeepsTheRestOfTheQuery) {
  EXPECT_EQ(MustSearch("parliment budget").corrected_query, "parliament budget");
}

}  // namespace
}  // namespace storyline::index
