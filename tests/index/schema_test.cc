// Tests for index/schema.cc: id terms and case folding.
#include "index/schema.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

namespace storyline::index {
namespace {

using ::testing::StartsWith;

TEST(IdTermTest, ShortIdIsPrefixPlusId) {
  EXPECT_EQ(IdTerm("abc"), "Qabc");
  EXPECT_EQ(IdTerm("a"), "Qa");
  EXPECT_EQ(IdTerm("article/2024/06/01-x"), "Qarticle/2024/06/01-x");
}

TEST(IdTermTest, IdIsNotCaseFolded) {
  // Ids are exact keys: "ABC" and "abc" are different articles.
  EXPECT_EQ(IdTerm("ABC"), "QABC");
  EXPECT_NE(IdTerm("ABC"), IdTerm("abc"));
}

TEST(IdTermTest, TwoHundredByteIdIsKeptVerbatim) {
  const std::string id(200, 'x');
  EXPECT_EQ(IdTerm(id), "Q" + id);
}

TEST(IdTermTest, LongIdsFitXapianTermLimit) {
  for (size_t len : {201u, 245u, 246u, 256u, 1000u}) {
    const std::string id(len, 'y');
    const std::string term = IdTerm(id);
    EXPECT_LE(term.size(), 245u) << "id length " << len;
    EXPECT_THAT(term, StartsWith("Q" + id.substr(0, 160))) << "id length " << len;
  }
}

TEST(IdTermTest, LongIdsDifferingOnlyInLastByteGetDifferentTerms) {
  std::string a(256, 'z');
  std::string b = a;
  b.back() = 'w';
  ASSERT_NE(a, b);
  EXPECT_NE(IdTerm(a), IdTerm(b));
  EXPECT_LE(IdTerm(a).size(), 245u);
  EXPECT_LE(IdTerm(b).size(), 245u);
}

TEST(IdTermTest, LongIdTermIsDeterministic) {
  const std::string id(256, 'k');
  EXPECT_EQ(IdTerm(id), IdTerm(std::string(256, 'k')));
}

TEST(IdTermTest, LongIdCannotCollideWithShortId) {
  // A short id spelled like the hashed form of a long one must not share its
  // term: the hashed form is longer than 200 bytes, so it would be hashed too.
  const std::string long_id(256, 'q');
  const std::string hashed = IdTerm(long_id);
  const std::string lookalike = hashed.substr(1);  // drop the "Q"
  EXPECT_NE(IdTerm(lookalike), hashed);
}

TEST(FoldCaseTest, LowerCasesAsciiOnly) {
  EXPECT_EQ(FoldCase("Politics"), "politics");
  EXPECT_EQ(FoldCase("BBC News"), "bbc news");
  EXPECT_EQ(FoldCase("already lower"), "already lower");
  EXPECT_EQ(FoldCase(""), "");
  EXPECT_EQ(FoldCase("MiXeD-123_!"), "mixed-123_!");
  // Non-ASCII bytes pass through untouched.
  EXPECT_EQ(FoldCase("\xC3\x89T\xC3\x89"), "\xC3\x89t\xC3\x89");
}

TEST(SchemaTermsTest, FilterTermsArePrefixedAndFolded) {
  EXPECT_EQ(TopicTerm("Politics"), "XTOPICpolitics");
  EXPECT_EQ(SourceTerm("BBC News"), "XSOURCEbbc news");
  EXPECT_EQ(TagTerm("Election"), "Kelection");
  EXPECT_EQ(TopicTerm("politics"), TopicTerm("POLITICS"));
}

}  // namespace
}  // namespace storyline::index
