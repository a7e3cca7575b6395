// Tests for index/simhash: near-duplicate detection of syndicated copies.
#include "index/simhash.h"

#include <gtest/gtest.h>

#include <string>

namespace storyline::index {
namespace {

// An original wire story, an edited syndicated copy (a few words changed,
// as agencies' clients do), and a different story on the same topic.
constexpr char kWire[] =
    "Greystone Foods will close its Ashford bakery in October with the loss of 210 jobs, the "
    "company announced on Tuesday. The firm said the site, which produces sliced bread and rolls "
    "for supermarkets, needed costly upgrades and had been losing money for three years. "
    "Production will move to a larger plant in Castleford, where 40 new posts will be created. "
    "The bakers' union called the decision a hammer blow for the town and said it would press "
    "the company to offer transfers to every worker who wants one. Local councillors asked for "
    "an urgent meeting with the management to discuss support for staff.";
constexpr char kEditedCopy[] =
    "Greystone Foods will shut its Ashford bakery in October with the loss of 210 jobs, the "
    "company said on Tuesday. The firm said the site, which produces sliced bread and rolls "
    "for supermarkets, needed costly upgrades and had been losing money for three years. "
    "Production will move to a larger plant in Castleford, where 40 new posts will be created. "
    "The bakers' union called the decision a hammer blow for the town and said it would press "
    "the company to offer transfers to every worker who wants one. Local councillors asked for "
    "an urgent meeting with the management to discuss support for staff.";
constexpr char kSameTopicOtherStory[] =
    "Millbrook Dairies is to expand its creamery near Ashford, adding 120 jobs over two years, "
    "the company announced on Tuesday. The firm said demand for its cheeses from supermarkets "
    "had grown strongly and that the new production line would double capacity. The union "
    "welcomed the investment but said pay at the site lagged behind the rest of the industry. "
    "Local councillors said the expansion would bring welcome work after a difficult year for "
    "food manufacturing in the town, where a bakery closure was announced last month.";

TEST(SimHashTest, EditedWireCopyIsANearDuplicate) {
  const uint64_t a = SimHash(kWire), b = SimHash(kEditedCopy);
  EXPECT_LE(HammingDistance(a, b), kNearDuplicateBits);
  EXPECT_TRUE(NearDuplicates(a, b));
}

TEST(SimHashTest, DifferentStoryOnTheSameTopicIsNot) {
  const uint64_t a = SimHash(kWire), c = SimHash(kSameTopicOtherStory);
  EXPECT_GT(HammingDistance(a, c), 12) << "unrelated texts differ in about half the bits";
  EXPECT_FALSE(NearDuplicates(a, c));
}

TEST(SimHashTest, CaseAndPunctuationDoNotMatter) {
  EXPECT_EQ(SimHash("The Quick brown fox, jumps!"), SimHash("the quick BROWN fox jumps"));
}

TEST(SimHashTest, EmptyTextHasNoFingerprint) {
  EXPECT_EQ(SimHash(""), 0u);
  EXPECT_EQ(SimHash("  ,;  "), 0u);
  EXPECT_FALSE(NearDuplicates(0, 0)) << "texts without words are never duplicates";
  EXPECT_NE(SimHash("one"), 0u);
}

TEST(SimHashTest, EncodeDecodeRoundTrip) {
  for (uint64_t h : {0ULL, 1ULL, 0xdeadbeefcafef00dULL, ~0ULL}) {
    EXPECT_EQ(DecodeSimHash(EncodeSimHash(h)), h);
  }
  EXPECT_FALSE(DecodeSimHash("short").has_value());
}

}  // namespace
}  // namespace storyline::index
