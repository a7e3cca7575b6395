// Tests for index/typo_expansion.cc and index/typo_corrector.cc, through
// Searcher::Search on a small index built in code: typo-tolerant search,
// corrected_query, and the spelling defects of issue 11.
#include "index/typo_expansion.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "index/index_writer.h"
#include "index/searcher.h"
#include "index/typo_corrector.h"
#include "tests/index/test_index.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace storyline::index {
namespace {

using ::storyline::index::testing::MakeArticle;
using ::storyline::testing::IsOk;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::Not;

// 24 articles on government ("Martin" in each, "budget" in the first four),
// one on a governess (so the misspelling "goverment" shares the stem
// "gover" with an indexed word, as on the BBC corpus), one on a marten (a
// rare real word next to a frequent one), one on tidal lagoons (only the
// plural is written) and a few with "ago" (which Xapian's default edit
// distance of 2 preferred for "lagon").
std::vector<v1::Article> TypoCorpus() {
  std::vector<v1::Article> articles;
  for (int i = 0; i < 24; ++i) {
    articles.push_back(MakeArticle(
        {.id = absl::StrCat("g", i),
         .title = absl::StrCat("Government plan ", i),
         .body = absl::StrCat("Prime minister Martin said the government would act on item ", i,
                              ".", i < 4 ? " The budget was approved." : "")}));
  }
  articles.push_back(MakeArticle(
      {.id = "governess", .title = "The governess", .body = "A governess taught the children."}));
  articles.push_back(MakeArticle(
      {.id = "marten", .title = "Marten seen", .body = "A pine marten was seen in the woods."}));
  articles.push_back(MakeArticle({.id = "lagoon",
                                  .title = "Tidal lagoons planned",
                                  .body = "Engineers want tidal lagoons along the coast."}));
  for (int i = 0; i < 3; ++i) {
    articles.push_back(MakeArticle({.id = absl::StrCat("ago", i),
                                    .title = absl::StrCat("Flood ", i),
                                    .body = "The river flooded two years ago."}));
  }
  return articles;
}

class TypoTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<std::unique_ptr<IndexWriter>> w = IndexWriter::Open(dir_.path());
    ASSERT_THAT(w, IsOk());
    testing::WriteArticles(**w, TypoCorpus());
    absl::StatusOr<std::unique_ptr<Searcher>> s = Searcher::Open(dir_.path());
    ASSERT_THAT(s, IsOk());
    searcher_ = std::move(s).value();
  }

  SearchResults MustSearch(const std::string& query, bool typo_tolerance = true) {
    SearchParams p;
    p.query = query;
    p.page_size = 100;
    p.typo_tolerance = typo_tolerance;
    absl::StatusOr<SearchResults> r = searcher_->Search(p);
    EXPECT_THAT(r, IsOk()) << query;
    return r.ok() ? *std::move(r) : SearchResults{};
  }

  static std::vector<std::string> Ids(const SearchResults& r) {
    std::vector<std::string> ids;
    for (const SearchHit& h : r.hits) ids.push_back(h.article.id());
    return ids;
  }

  storyline::testing::TempDir dir_;
  std::unique_ptr<Searcher> searcher_;
};

// Issue 11: "goverment budjet" suggested "goverment budget" (the stem of
// the misspelling, "gover", is indexed from "governess") and found only the
// governess story. The governess still matches the word as typed (its
// stem), so it may rank first; the government budget stories follow, before
// the stories with only one of the corrected words.
TEST_F(TypoTest, MisspellingWhoseStemIsIndexedIsCorrected) {
  const SearchResults r = MustSearch("goverment budjet");
  EXPECT_EQ(r.corrected_query, "government budget");
  std::vector<std::string> ids = Ids(r);
  std::erase(ids, "governess");
  ASSERT_EQ(ids.size(), 24u);
  EXPECT_THAT(std::vector<std::string>(ids.begin(), ids.begin() + 4),
              ::testing::UnorderedElementsAre("g0", "g1", "g2", "g3"));
}

// Issue 11: "tidal lagon" suggested "tidal lago": two edits allowed on a
// five-letter word let a frequent short word win. "lagoon" is one edit
// away, and indexed (as the stem of "lagoons").
TEST_F(TypoTest, CorrectionIsWithinOneEditForShortWords) {
  const SearchResults r = MustSearch("tidal lagon");
  EXPECT_EQ(r.corrected_query, "tidal lagoon");
  ASSERT_FALSE(r.hits.empty());
  EXPECT_EQ(r.hits[0].article.id(), "lagoon");
}

TEST_F(TypoTest, TypoMatchesItsCorrectionByDefault) {
  const SearchResults r = MustSearch("goverment");
  EXPECT_EQ(r.corrected_query, "government");
  EXPECT_THAT(Ids(r), Contains("g7"));
}

TEST_F(TypoTest, TypoToleranceOffSearchesAsTypedAndOnlySuggests) {
  const SearchResults r = MustSearch("goverment", /*typo_tolerance=*/false);
  EXPECT_EQ(r.corrected_query, "government");
  EXPECT_THAT(Ids(r), ElementsAre("governess"));
}

// "marten" is a word of one article, next to "Martin" in 24: the query
// also searches "martin", but the article with the word as typed ranks
// first.
TEST_F(TypoTest, ExactMatchOutranksCorrectedMatch) {
  const SearchResults r = MustSearch("marten");
  EXPECT_EQ(r.corrected_query, "martin");
  const std::vector<std::string> ids = Ids(r);
  ASSERT_EQ(ids.size(), 25u);
  EXPECT_EQ(ids[0], "marten");
  EXPECT_GT(r.hits[0].score, r.hits[1].score);
}

TEST_F(TypoTest, FrequentWordIsNotCorrected) {
  EXPECT_EQ(MustSearch("government budget").corrected_query, "");
  EXPECT_EQ(MustSearch("Martin").corrected_query, "");
  EXPECT_EQ(MustSearch("lagoons").corrected_query, "");
}

TEST_F(TypoTest, ShortWordsAreNotCorrected) {
  // "tdal" is one edit from "tidal" but has four letters.
  const SearchResults r = MustSearch("tdal");
  EXPECT_EQ(r.corrected_query, "");
  EXPECT_TRUE(r.hits.empty());
}

TEST_F(TypoTest, LongWordsAreCorrectedWithinTwoEdits) {
  // Nine letters, two edits from "government".
  EXPECT_EQ(MustSearch("govermant").corrected_query, "government");
  // Seven letters, two edits from "minister": not corrected.
  EXPECT_EQ(MustSearch("minstre").corrected_query, "");
  // Two edits, one of them the first letter: not corrected.
  EXPECT_EQ(MustSearch("loverment").corrected_query, "");
}

TEST_F(TypoTest, TitleFieldWordsAreCorrected) {
  const SearchResults r = MustSearch("title:goverment");
  EXPECT_EQ(r.corrected_query, "title:government");
  EXPECT_THAT(Ids(r), Contains("g7"));
}

TEST_F(TypoTest, PhrasesAndExcludedWordsAreSearchedAsTyped) {
  const SearchResults phrase = MustSearch("\"goverment plan\"");
  EXPECT_EQ(phrase.corrected_query, "");
  EXPECT_TRUE(phrase.hits.empty());
  const SearchResults excluded = MustSearch("minister -goverment");
  EXPECT_EQ(excluded.corrected_query, "");
  EXPECT_THAT(Ids(excluded), Contains("g7"));
}

TEST(OneEditVariantsTest, ListsEachEditOnce) {
  const std::vector<std::string> v = OneEditVariants("ab");
  EXPECT_THAT(v, Contains("a"));    // deleted
  EXPECT_THAT(v, Contains("ba"));   // swapped
  EXPECT_THAT(v, Contains("cb"));   // replaced
  EXPECT_THAT(v, Contains("abc"));  // inserted
  EXPECT_THAT(v, Not(Contains("ab")));
  EXPECT_TRUE(std::is_sorted(v.begin(), v.end()));
  EXPECT_EQ(std::adjacent_find(v.begin(), v.end()), v.end());
  // 2 deletes, 1 swap, 2 x 25 replacements, 3 x 26 insertions, less the
  // duplicates ("aab", "abb" twice each).
  EXPECT_EQ(v.size(), 2u + 1 + 50 + 78 - 2);
}

}  // namespace
}  // namespace storyline::index
