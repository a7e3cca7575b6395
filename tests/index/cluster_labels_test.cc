// Tests for index/cluster_labels: which phrase labels a cluster.
#include "index/cluster_labels.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"

namespace storyline::index {
namespace {

class PhraseLabelTest : public ::testing::Test {
 protected:
  // Z-stems of `words`, as KeywordStems gives them.
  absl::flat_hash_set<std::string> Stems(const std::vector<std::string>& words) const {
    absl::flat_hash_set<std::string> out;
    for (const std::string& w : words) out.insert(absl::StrCat("Z", stemmer_(w)));
    return out;
  }
  Xapian::Stem stemmer_{"english"};
};

TEST_F(PhraseLabelTest, ThePhraseMostMembersShareWinsOverItsWords) {
  const std::vector<std::string> members = {
      "Grand Slam: Wales beat England.\nThe Grand Slam match was close, the coach said.",
      "Ireland eye the Grand Slam title after the match in Dublin.",
      "The World Cup draw is made.\nA Grand Slam injury worry for the coach.",
      "The coach praised the team after the match.",
      "World Cup hopes rise as the team wins the match.",
      "World Cup tickets sold out before the match."};
  // "Grand Slam" and "World Cup" are in 3 members each ("the match" and
  // "the coach" are not phrases); a fourth makes Grand Slam the winner.
  std::vector<std::string> more = members;
  more.push_back("The Grand Slam resumes on Saturday.");
  EXPECT_EQ(PhraseLabel(more, Stems({"slam", "match", "cup"}), stemmer_, {}), "Grand Slam");
  // Taken by an earlier cluster (any case): the next best.
  EXPECT_EQ(PhraseLabel(more, Stems({"slam", "match", "cup"}), stemmer_, {"grand slam"}),
            "World Cup");
}

TEST_F(PhraseLabelTest, OnlyPhrasesBuiltOnKeywordsThatEnoughMembersShare) {
  const std::vector<std::string> members = {
      "Last year the tidal barrage vote passed.", "Last year councillors met.",
      "Last year the harbour flooded.", "The tidal barrage plan was debated.",
      "Engineers studied the barrage design."};
  // "last year" is everywhere but is not about the keywords; "tidal
  // barrage" is in only 2 of 5 (under min_members 3).
  EXPECT_EQ(PhraseLabel(members, Stems({"barrage", "tidal"}), stemmer_, {}), "");
  EXPECT_EQ(PhraseLabel(members, Stems({"barrage", "tidal"}), stemmer_, {},
                        {.min_share = 0.1, .min_members = 2}),
            "tidal barrage");
  // A share of the members, not a count: 2 of 30 is not "shared".
  std::vector<std::string> many = members;
  for (int i = 0; i < 25; ++i) many.push_back(absl::StrCat("Story ", i, " about the harbour."));
  EXPECT_EQ(PhraseLabel(many, Stems({"barrage", "tidal"}), stemmer_, {},
                        {.min_share = 0.1, .min_members = 2}),
            "");
}

TEST_F(PhraseLabelTest, PhrasesNeverEndInStopWordsNumbersOrBreakAcrossSentences) {
  const std::vector<std::string> members = {
      "Interest rates rose. Rates of 5 percent.\nInterest\nrates", "Interest rates of 2005 fell.",
      "Rates rise; interest rates at 2005 levels.", "The rates of interest rates. A rates"};
  const std::string label = PhraseLabel(members, Stems({"rates", "interest"}), stemmer_, {});
  EXPECT_EQ(label, "Interest rates");  // 2 and 2 spellings: the first alphabetically
  // "rates of", "of 2005", "rates at 2005", "A rates" never qualify.
  const std::vector<std::string> only_bad = {"rates of 2005.", "rates of 2005.", "rates of 2005."};
  EXPECT_EQ(PhraseLabel(only_bad, Stems({"rates"}), stemmer_, {}), "");
}

TEST_F(PhraseLabelTest, LongerPhraseWinsATieAndCommonestSpellingIsShown) {
  const std::vector<std::string> members = {"Prime Minister Tony Blair spoke.",
                                            "prime minister Tony Blair left.",
                                            "Prime Minister Tony Blair arrived."};
  // "Prime Minister Tony" and "Minister Tony Blair" (3 words) tie with
  // "Tony Blair" (2 words) on members; a three-word one wins, the first
  // alphabetically; written as most members write it.
  EXPECT_EQ(PhraseLabel(members, Stems({"blair"}), stemmer_, {}), "Minister Tony Blair");
}

}  // namespace
}  // namespace storyline::index
