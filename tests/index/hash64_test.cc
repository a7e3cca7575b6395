// Tests for common/hash64.h (here because common/ has no test binary of
// its own; index/ is its main user).
#include "common/hash64.h"

#include <gtest/gtest.h>

namespace storyline::common {
namespace {

TEST(Fnv1a64Test, KnownValuesAreFrozen) {
  // Shard placement and stored SimHashes depend on exactly these values.
  // The offset basis is one digit short of the published FNV one
  // (14695981039346656037), so these are not the published test vectors;
  // the hash must stay as it is all the same.
  EXPECT_EQ(Fnv1a64(""), 1469598103934665603ULL);
  EXPECT_EQ(Fnv1a64("a"), 4953267810257967366ULL);
  EXPECT_EQ(Fnv1a64("foobar"), 9870438755804841970ULL);
}

TEST(Fnv1a64Test, ContinuesFromAGivenHash) {
  EXPECT_EQ(Fnv1a64("bar", Fnv1a64("foo")), Fnv1a64("foobar"));
}

TEST(Fnv1a64Test, HashesBytesNotChars) {
  // High bytes count as unsigned, whatever char's signedness.
  EXPECT_NE(Fnv1a64("\xff"), Fnv1a64("\x7f"));
  EXPECT_EQ(Fnv1a64("\xff"), (kFnv1a64Offset ^ 0xffULL) * kFnv1a64Prime);
}

}  // namespace
}  // namespace storyline::common
