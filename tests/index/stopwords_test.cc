// Tests for index/stopwords.
#include "index/stopwords.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace storyline::index {
namespace {

TEST(StopWordsTest, TheSmartListPlusNewsBoilerplate) {
  const std::vector<std::string>& words = EnglishStopWords();
  ASSERT_EQ(words.size(), 501u);
  EXPECT_EQ(words.front(), "able");
  EXPECT_EQ(words.back(), "zero");
  EXPECT_EQ(std::set<std::string>(words.begin(), words.end()).size(), words.size());
  for (const std::string& w : words) {
    EXPECT_FALSE(w.empty());
    EXPECT_EQ(w.find(' '), std::string::npos) << w;
  }
  for (const char* w : {"the", "told", "mr", "mrs", "ms", "what", "of"}) {
    EXPECT_TRUE(IsStopWord(w)) << w;
  }
}

TEST(StopWordsTest, CaseInsensitiveWordsAndStems) {
  EXPECT_TRUE(IsStopWord("The"));
  EXPECT_FALSE(IsStopWord("league"));
  EXPECT_TRUE(IsStopStem("Zthe"));
  EXPECT_FALSE(IsStopStem("Zleagu"));
}

}  // namespace
}  // namespace storyline::index
