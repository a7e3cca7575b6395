// Tests for index/text_tokens: the one tokenizer every word reader uses.
#include "index/text_tokens.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace storyline::index {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

std::vector<std::string> Words(absl::string_view text, WordChars chars) {
  std::vector<std::string> out;
  ForEachWord(text, chars,
              [&](WordSpan w) { out.emplace_back(text.substr(w.begin, w.end - w.begin)); });
  return out;
}

TEST(TextTokensTest, LettersAndDigitsKeepDigitsInWords) {
  EXPECT_THAT(Words("G7 summit, 2024: Écoles' plan", WordChars::kLettersAndDigits),
              ElementsAre("G7", "summit", "2024", "Écoles", "plan"));
}

TEST(TextTokensTest, LettersOnlySplitAtDigitsAndApostrophes) {
  EXPECT_THAT(Words("G7 summit, 2024: council's Écoles", WordChars::kLetters),
              ElementsAre("G", "summit", "council", "s", "Écoles"));
}

TEST(TextTokensTest, MultiByteCharactersAreNeverSplit) {
  // Every byte of a UTF-8 sequence is a word byte, punctuation or not.
  EXPECT_THAT(Words("東京—Paris", WordChars::kLetters), ElementsAre("東京—Paris"));
}

TEST(TextTokensTest, EmptyAndSeparatorOnlyTextHaveNoWords) {
  EXPECT_THAT(Words("", WordChars::kLettersAndDigits), IsEmpty());
  EXPECT_THAT(Words(" -,.;\t\n", WordChars::kLettersAndDigits), IsEmpty());
  EXPECT_FALSE(NextWord("  ", 0).found());
}

TEST(TextTokensTest, NextWordGivesByteRanges) {
  const WordSpan w = NextWord("  ab cd", 1);
  EXPECT_EQ(w.begin, 2u);
  EXPECT_EQ(w.end, 4u);
  const WordSpan next = NextWord("  ab cd", w.end);
  EXPECT_EQ(next.begin, 5u);
  EXPECT_EQ(next.end, 7u);
}

TEST(TextTokensTest, AsciiLowerLowersOnlyAsciiLetters) {
  EXPECT_EQ(AsciiLower("ÉCOLE Zürich 42 AbC"), "École zürich 42 abc");
  EXPECT_EQ(AsciiLower('Q'), 'q');
  EXPECT_EQ(AsciiLower('7'), '7');
}

TEST(TextTokensTest, WordBytes) {
  for (unsigned char c : std::string("azAZ09")) {
    EXPECT_TRUE(IsWordByte(c)) << c;
  }
  EXPECT_FALSE(IsWordByte('0', WordChars::kLetters));
  EXPECT_TRUE(IsWordByte(0x80, WordChars::kLetters));
  EXPECT_FALSE(IsWordByte('\''));
  EXPECT_FALSE(IsWordByte('-'));
}

}  // namespace
}  // namespace storyline::index
