// Tests for server/search_fingerprint.cc: what a page token's request
// fingerprint covers (moved here from tests/index with SearchFingerprint).
#include "server/search_fingerprint.h"

#include <gtest/gtest.h>

#include <cstdint>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "index/searcher.h"

namespace storyline::server {
namespace {

using index::SearchParams;
using index::SortOrder;

TEST(SearchFingerprintTest, IgnoresPagingAndPresentation) {
  SearchParams a;
  a.query = "parliament";
  a.topics = {"politics"};
  SearchParams b = a;
  b.offset = 20;
  b.page_size = 50;
  b.include_body = true;
  b.deadline = absl::Now();
  EXPECT_EQ(SearchFingerprint(a), SearchFingerprint(b));
}

TEST(SearchFingerprintTest, FilterOrderAndCaseDoNotMatter) {
  SearchParams a;
  a.topics = {"Politics", "sport"};
  a.sources = {"BBC News", "reuters"};
  SearchParams b;
  b.topics = {"SPORT", "politics"};
  b.sources = {"Reuters", "bbc news"};
  EXPECT_EQ(SearchFingerprint(a), SearchFingerprint(b));
}

TEST(SearchFingerprintTest, ChangesWithWhatDefinesTheResults) {
  SearchParams base;
  base.query = "parliament";
  const uint64_t fp = SearchFingerprint(base);

  SearchParams q = base;
  q.query = "parliaments";
  EXPECT_NE(SearchFingerprint(q), fp);
  SearchParams t = base;
  t.topics = {"politics"};
  EXPECT_NE(SearchFingerprint(t), fp);
  SearchParams s = base;
  s.sources = {"politics"};
  EXPECT_NE(SearchFingerprint(s), fp);
  EXPECT_NE(SearchFingerprint(s), SearchFingerprint(t));  // field matters
  SearchParams after = base;
  after.published_after = absl::FromUnixSeconds(1);
  EXPECT_NE(SearchFingerprint(after), fp);
  SearchParams before = base;
  before.published_before = absl::FromUnixSeconds(1);
  EXPECT_NE(SearchFingerprint(before), fp);
  EXPECT_NE(SearchFingerprint(before), SearchFingerprint(after));
  SearchParams order = base;
  order.order = SortOrder::kNewest;
  EXPECT_NE(SearchFingerprint(order), fp);
  SearchParams facets = base;
  facets.facets = {"topic"};
  EXPECT_NE(SearchFingerprint(facets), fp);
}

TEST(SearchFingerprintTest, FieldBoundariesAreUnambiguous) {
  // Moving a value from one list to the other must change the fingerprint.
  SearchParams a;
  a.topics = {"x", "y"};
  SearchParams b;
  b.topics = {"x"};
  b.sources = {"y"};
  EXPECT_NE(SearchFingerprint(a), SearchFingerprint(b));
}

TEST(SearchFingerprintTest, FirstStageOrderRidesInTheTokenNotTheFingerprint) {
  // The page token carries the flag (PagePosition::first_stage_order), so
  // a token decodes once, whichever order its list was served in.
  SearchParams a;
  a.query = "striker goal";
  SearchParams b = a;
  b.first_stage_order = true;
  EXPECT_EQ(SearchFingerprint(a), SearchFingerprint(b));
}

TEST(SearchFingerprintTest, HalfLifeCountsOnlyForRelevanceRecency) {
  SearchParams a;
  a.query = "storm";
  SearchParams b = a;
  b.recency_half_life = absl::Hours(1);
  EXPECT_EQ(SearchFingerprint(a), SearchFingerprint(b));
  a.order = b.order = SortOrder::kRelevanceRecency;
  EXPECT_NE(SearchFingerprint(a), SearchFingerprint(b));
}

TEST(FingerprintTest, StableAndDistinct) {
  EXPECT_EQ(Fingerprint("query=foo"), Fingerprint("query=foo"));
  EXPECT_NE(Fingerprint("query=foo"), Fingerprint("query=fop"));
  EXPECT_NE(Fingerprint(""), Fingerprint(" "));
}

}  // namespace
}  // namespace storyline::server
