// Tests for index/surface_forms.
#include "index/surface_forms.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace storyline::index {
namespace {

using ::testing::ElementsAre;

TEST(SurfaceFormsTest, StemsBecomeReadableWordsAndPhrases) {
  Xapian::Stem stem("english");
  SurfaceForms forms(stem,
                     "The Premier League said Premier League clubs voted. "
                     "Inflation rose; inflation worries grew. Leagues merge.");
  EXPECT_EQ(forms.Word("Z" + stem("inflation")), "inflation");
  EXPECT_EQ(forms.Word("Zzzz"), "");
  const std::vector<std::string> out =
      forms.Readable({"Z" + stem("league"), "Z" + stem("premier"), "Z" + stem("inflation")}, 5);
  EXPECT_THAT(out, ElementsAre("Premier League", "inflation"));
}

TEST(SurfaceFormsTest, PhrasesNeedOnlySpacesOrHyphensBetweenTheWords) {
  Xapian::Stem stem("english");
  const std::string league = "Z" + stem("league"), premier = "Z" + stem("premier");
  // A comma between the words breaks the phrase; a hyphen keeps it.
  SurfaceForms broken(stem, "Premier, League. Premier, League.");
  EXPECT_THAT(broken.Readable({premier, league}, 5), ElementsAre("Premier", "League"));
  SurfaceForms hyphen(stem, "Premier-League and Premier - League");
  EXPECT_THAT(hyphen.Readable({premier, league}, 5), ElementsAre("Premier League"));
}

TEST(SurfaceFormsTest, WantedStemsLimitWhatIsLearned) {
  Xapian::Stem stem("english");
  const std::string inflation = "Z" + stem("inflation");
  SurfaceForms forms(stem, "Inflation rose and prices rose", {inflation});
  EXPECT_EQ(forms.Word(inflation), "Inflation");
  EXPECT_EQ(forms.Word("Z" + stem("prices")), "");
}

}  // namespace
}  // namespace storyline::index
