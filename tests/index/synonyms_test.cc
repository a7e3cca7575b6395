// Synonym expansion through a real index and Searcher: "usa" finds a story
// that only says "United States", and the other way round.
#include "index/synonyms.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "index/index_writer.h"
#include "index/searcher.h"
#include "tests/index/searcher_fixture.h"
#include "tests/index/test_index.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace storyline::index::testing {
namespace {

using ::storyline::testing::IsOk;
using ::storyline::testing::StatusIs;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

std::shared_ptr<const SynonymTable> MustBuild(absl::string_view text) {
  auto groups = ParseSynonyms(text, "test");
  EXPECT_THAT(groups, IsOk());
  if (!groups.ok()) return nullptr;
  auto table = SynonymTable::Build(*groups);
  EXPECT_THAT(table, IsOk());
  return table.ok() ? *table : nullptr;
}

class SynonymSearchTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto writer = IndexWriter::Open(dir_.path());
    ASSERT_THAT(writer, IsOk());
    WriteArticles(**writer,
                  {MakeArticle({.id = "states",
                                .title = "United States holds election",
                                .body = "Voters across the United States went to the polls."}),
                   MakeArticle({.id = "usa",
                                .title = "USA wins the cup",
                                .body = "The USA team beat the hosts in the final."}),
                   MakeArticle({.id = "car",
                                .title = "Automobile sales fall",
                                .body = "Fewer automobiles were sold this spring."}),
                   MakeArticle({.id = "united",
                                .title = "United beat City",
                                .body = "The two football clubs met in the league."})});
    auto searcher = Searcher::Open(dir_.path(), nullptr, {}, &synonyms_);
    ASSERT_THAT(searcher, IsOk());
    searcher_ = *std::move(searcher);
  }

  std::vector<std::string> Find(const std::string& query) {
    SearchParams params;
    params.query = query;
    params.page_size = 100;
    auto results = searcher_->Search(params);
    EXPECT_THAT(results, IsOk()) << query;
    return results.ok() ? Ids(*results) : std::vector<std::string>();
  }

  storyline::testing::TempDir dir_;
  SynonymSet synonyms_;
  std::unique_ptr<Searcher> searcher_;
};

TEST_F(SynonymSearchTest, NoSynonymsLeavesQueriesAlone) {
  EXPECT_THAT(Find("usa"), UnorderedElementsAre("usa"));
  EXPECT_THAT(Find("car"), IsEmpty());
}

TEST_F(SynonymSearchTest, SingleWordFindsPhraseAndBack) {
  synonyms_.Replace(MustBuild("us, usa, united states\ncar, automobile\n"));
  // "usa" finds the story that only says "United States" (as a phrase: the
  // football story with "United" alone is not found).
  EXPECT_THAT(Find("usa"), UnorderedElementsAre("usa", "states"));
  EXPECT_THAT(Find("united states"), UnorderedElementsAre("usa", "states", "united"));
  EXPECT_THAT(Find("cars"), UnorderedElementsAre("car"));
  EXPECT_THAT(Find("Automobile"), UnorderedElementsAre("car"));
}

// "us" is a stop word, but an entry of a synonym group is searched:
// the group is what the user asked for.
TEST_F(SynonymSearchTest, AStopWordInAGroupIsExpandedNotDropped) {
  EXPECT_THAT(Find("us cup"), UnorderedElementsAre("usa")) << "without synonyms, us is stopped";
  synonyms_.Replace(MustBuild("us, usa, united states\n"));
  const std::vector<std::string> found = Find("us cup");
  EXPECT_THAT(found, UnorderedElementsAre("usa", "states"));
  // Other stop words are still dropped.
  EXPECT_THAT(Find("the cup"), UnorderedElementsAre("usa"));
}

TEST_F(SynonymSearchTest, SnippetsAndExplanationsShowTheSynonymsFound) {
  synonyms_.Replace(MustBuild("usa, united states\n"));
  SearchParams params;
  params.query = "usa";
  params.explain = true;
  auto results = searcher_->Search(params);
  ASSERT_THAT(results, IsOk());
  bool seen = false;
  for (const SearchHit& hit : results->hits) {
    if (hit.article.id() != "states") continue;
    seen = true;
    EXPECT_THAT(hit.snippet, HasSubstr("<em>United</em> <em>States</em>"));
    EXPECT_FALSE(hit.explanation.empty());
  }
  EXPECT_TRUE(seen);
}

TEST_F(SynonymSearchTest, ExpansionKeepsBooleanStructure) {
  synonyms_.Replace(MustBuild("usa, united states\n"));
  EXPECT_THAT(Find("usa AND election"), UnorderedElementsAre("states"));
  EXPECT_THAT(Find("cup -usa"), IsEmpty());
  EXPECT_THAT(Find("united AND states"), UnorderedElementsAre("usa", "states"));
  // Quoted phrases are searched as typed.
  EXPECT_THAT(Find("\"usa team\""), UnorderedElementsAre("usa"));
}

TEST_F(SynonymSearchTest, ReplacedTableTakesEffectOnTheNextSearch) {
  synonyms_.Replace(MustBuild("car, automobile\n"));
  EXPECT_THAT(Find("car"), UnorderedElementsAre("car"));
  synonyms_.Replace(MustBuild("usa, united states\n"));
  EXPECT_THAT(Find("car"), IsEmpty());
  EXPECT_THAT(Find("usa"), UnorderedElementsAre("usa", "states"));
  synonyms_.Replace(nullptr);
  EXPECT_THAT(Find("usa"), UnorderedElementsAre("usa"));
}

TEST(SynonymTableTest, AnEntryInTwoGroupsNamesBothLines) {
  auto groups = ParseSynonyms("car, automobile\n\ncars, vehicle\n", "test");
  ASSERT_THAT(groups, IsOk());
  EXPECT_THAT(SynonymTable::Build(*groups),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("line 3: \"cars\" is already in the group on line 1")));
}

TEST(SynonymTableTest, UnmatchedQueryIsReturnedAsIs) {
  auto table = MustBuild("car, automobile\n");
  const Xapian::Query q(Xapian::Query::OP_OR, Xapian::Query("Zboat"), Xapian::Query("Zship"));
  EXPECT_EQ(table->Expand(q).get_description(), q.get_description());
  EXPECT_EQ(table->group_count(), 1u);
}

}  // namespace
}  // namespace storyline::index::testing
