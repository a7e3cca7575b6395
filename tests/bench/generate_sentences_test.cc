#include "bench/storyline_bench/generate_sentences.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace storyline::bench {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

TEST(SplitSentencesTest, EndsAtFullStopsAndCollapsesWhitespace) {
  EXPECT_THAT(SplitSentences("The first one is here.  The second\n   one follows it!  "
                             "Is this the third one? \"Yes, it is the fourth.\" Then more."),
              ElementsAre("The first one is here.", "The second one follows it!",
                          "Is this the third one?", "\"Yes, it is the fourth.\""));
}

TEST(SplitSentencesTest, AbbreviationsDoNotEndASentence) {
  EXPECT_THAT(SplitSentences("Mr. Smith of Acme Inc. flew to the U.S. on J. Doe's jet. "
                             "He stayed there for weeks."),
              ElementsAre("Mr. Smith of Acme Inc. flew to the U.S. on J. Doe's jet.",
                          "He stayed there for weeks."));
}

TEST(SplitSentencesTest, ABlankLineEndsASentence) {
  EXPECT_THAT(SplitSentences("A heading without a full stop\n\nThe text begins here today."),
              ElementsAre("A heading without a full stop", "The text begins here today."));
}

TEST(SplitSentencesTest, QuotedLinesAreSkipped) {
  EXPECT_THAT(
      SplitSentences("I agree with what you wrote above\n"
                     "> You said the moon was made of cheese\n"
                     "  | and so did they in their own post\n"
                     "I never said anything of the sort."),
      ElementsAre("I agree with what you wrote above", "I never said anything of the sort."));
}

TEST(SplitSentencesTest, WhatIsNotProseIsDropped) {
  EXPECT_THAT(SplitSentences("Too short. Mail me at joe@example.com for the files. "
                             "See <http://example.com/page> for more. "
                             "x = y * 2 + z / 4 - 1 ; q = 7 ; r = 8 ;\n\n"
                             "M4%$3#@!9 8^&*7 6(5)4 3_2-1 0.\n\n"
                             "----- ----- ----- ----- -----"),
              IsEmpty());
}

TEST(SplitWordsTest, SplitsOnAnyWhitespaceAndJoinsWithSpaces) {
  const std::vector<absl::string_view> words = SplitWords("  Re: tidal\tbarrage \n plans ");
  EXPECT_THAT(words, ElementsAre("Re:", "tidal", "barrage", "plans"));
  EXPECT_EQ(JoinWords(words, 1, 3), "tidal barrage");
  EXPECT_EQ(JoinWords(words, 2, 99), "barrage plans");
}

}  // namespace
}  // namespace storyline::bench
