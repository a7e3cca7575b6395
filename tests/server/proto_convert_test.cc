// Tests for server/proto_convert.cc: SearchRequest fields reach the index's
// SearchParams.
#include "server/proto_convert.h"

#include <gtest/gtest.h>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "server/page_token.h"
#include "server/search_fingerprint.h"
#include "tests/testing/status_matchers.h"

namespace storyline::server {
namespace {

using ::storyline::testing::IsOk;

index::SearchParams MustConvert(const v1::SearchRequest& request) {
  const PageTokenCodec tokens("0123456789abcdef0123456789abcdef", absl::Hours(1));
  absl::StatusOr<index::SearchParams> p =
      ToSearchParams(request, tokens, absl::Now(), absl::InfiniteFuture());
  EXPECT_THAT(p, IsOk());
  return p.ok() ? *p : index::SearchParams{};
}

TEST(ProtoConvertTest, TypoToleranceIsOnUnlessTurnedOff) {
  v1::SearchRequest request;
  request.set_query("goverment");
  EXPECT_TRUE(MustConvert(request).typo_tolerance);
  request.set_typo_tolerance(true);
  EXPECT_TRUE(MustConvert(request).typo_tolerance);
  request.set_typo_tolerance(false);
  EXPECT_FALSE(MustConvert(request).typo_tolerance);
}

TEST(ProtoConvertTest, TypoToleranceIsPartOfThePageTokensRequest) {
  v1::SearchRequest request;
  request.set_query("goverment");
  const uint64_t tolerant = SearchFingerprint(MustConvert(request));
  request.set_typo_tolerance(false);
  EXPECT_NE(SearchFingerprint(MustConvert(request)), tolerant);
}

}  // namespace
}  // namespace storyline::server
