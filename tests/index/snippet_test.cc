// Tests for index/snippet: the Highlighter's matching, windowing and escaping.
#include "index/snippet.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

namespace storyline::index {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

Highlighter Make(std::vector<std::string> stems) {
  return Highlighter(Xapian::Stem("english"), std::move(stems));
}

TEST(HighlighterTest, MatchesInflectedFormsByStem) {
  Highlighter h = Make({"barrag", "flood"});
  EXPECT_TRUE(h.Matches("barrage"));
  EXPECT_TRUE(h.Matches("Barrages"));
  EXPECT_TRUE(h.Matches("flooding"));
  EXPECT_FALSE(h.Matches("barracks"));
  EXPECT_FALSE(h.Matches("tidal"));
  EXPECT_FALSE(Make({}).Matches("anything"));
}

TEST(HighlighterTest, WrapsMatchesAndEscapesHtml) {
  Highlighter h = Make({"tidal"});
  const std::string s = h.Snippet("The <b>tidal</b> plan & the TIDAL vote.", 200);
  EXPECT_EQ(s, "The &lt;b&gt;<em>tidal</em>&lt;/b&gt; plan &amp; the <em>TIDAL</em> vote.");
}

TEST(HighlighterTest, StartsNearTheFirstMatchInLongText) {
  std::string text;
  for (int i = 0; i < 200; ++i) text += "filler words here ";
  text += "then the estuary barrage appears at last.";
  const std::string s = Make({"barrag"}).Snippet(text, 120);
  EXPECT_THAT(s, StartsWith("..."));
  EXPECT_THAT(s, HasSubstr("<em>barrage</em>"));
  EXPECT_LE(s.size(), 120u + 3 + 3 + 9);  // text + two ellipses + one <em></em>
}

TEST(HighlighterTest, NoMatchGivesTheStartAndCutsAtAWord) {
  const std::string s =
      Make({"zebra"}).Snippet("Alpha beta gamma delta epsilon zeta eta theta iota", 20);
  EXPECT_EQ(s, "Alpha beta gamma ...");
  EXPECT_THAT(s, Not(HasSubstr("<em>")));
}

TEST(HighlighterTest, NeverSplitsUtf8) {
  std::string text;
  for (int i = 0; i < 50; ++i) text += "café naïve résumé ";
  const std::string s = Make({"resum"}).Snippet(text, 37);
  // Every multi-byte sequence is whole: valid UTF-8 round trip check.
  for (size_t i = 0; i < s.size(); ++i) {
    const auto u = static_cast<unsigned char>(s[i]);
    if (u >= 0xC0) {
      ASSERT_LT(i + 1, s.size());
      EXPECT_EQ(static_cast<unsigned char>(s[i + 1]) & 0xC0, 0x80);
    }
  }
  EXPECT_THAT(s, HasSubstr("..."));
}

TEST(HighlighterTest, TextWithoutSpacesIsStillBounded) {
  std::string cjk;
  for (int i = 0; i < 20000; ++i) cjk += "新闻";  // one 120,000-byte "word"
  const std::string s = Make({"zzz"}).Snippet(cjk, 240);
  EXPECT_LE(s.size(), 240u + 3);
  EXPECT_EQ(s.substr(s.size() - 3), "...");
  // Whole characters only (each is 3 bytes here).
  EXPECT_EQ((s.size() - 3) % 3, 0u);
  std::string dots(5000, '.');
  EXPECT_LE(Make({"zzz"}).Snippet(dots + " word", 240).size(), 243u);
}

}  // namespace
}  // namespace storyline::index
