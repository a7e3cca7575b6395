// Tests for server/proto_convert.cc: the search total that stays put while
// paging, the TimeWindow filter, the OrderBy aliases and typo_tolerance.
#include "server/proto_convert.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <utility>

#include "server/search_fingerprint.h"
#include "tests/testing/status_matchers.h"

namespace storyline::server {
namespace {

using ::storyline::testing::IsOk;

constexpr char kKey[] = "0123456789abcdef0123456789abcdef";

index::SearchResults Page(int hits, int64_t estimate, bool more) {
  index::SearchResults r;
  r.hits.resize(hits);
  r.total_estimate = estimate;
  r.has_more = more;
  return r;
}

// Defect 10: Xapian's estimate moved from 600 to 630 between pages (the
// exact count was 540). Every page now says what the first page said.
TEST(ProtoConvertTest, TotalSizeStaysTheSameOnEveryPage) {
  const PageTokenCodec tokens(kKey);
  const absl::Time now = absl::FromUnixSeconds(1717000000);
  v1::SearchRequest request;
  request.set_query("rates");
  request.set_page_size(10);
  const int64_t estimates[] = {600, 630, 570, 545};
  for (int page = 0; page < 4; ++page) {
    absl::StatusOr<SearchCall> call = ToSearchCall(request, tokens, now, absl::InfiniteFuture());
    ASSERT_THAT(call, IsOk());
    EXPECT_EQ(call->params.offset, page * 10);
    v1::SearchResponse response;
    ToSearchResponse(Page(10, estimates[page], true), call->params, tokens, now, &response,
                     call->first_page_total);
    EXPECT_EQ(response.total_size(), 600) << "page " << page;
    request.set_page_token(response.next_page_token());
  }
}

TEST(ProtoConvertTest, TotalSizeIsRaisedToWhatThePagesShowed) {
  const PageTokenCodec tokens(kKey);
  index::SearchParams params;
  params.offset = 20;
  params.page_size = 10;
  v1::SearchResponse response;
  ToSearchResponse(Page(10, 25, false), params, tokens, absl::Now(), &response, 25);
  EXPECT_EQ(response.total_size(), 30);
}

TEST(ProtoConvertTest, TimeWindowFiltersLikeTheDeprecatedFields) {
  const PageTokenCodec tokens(kKey);
  v1::SearchRequest old_style;
  old_style.mutable_filter()->mutable_published_after()->set_seconds(100);
  old_style.mutable_filter()->mutable_published_before()->set_seconds(200);
  v1::SearchRequest new_style;
  new_style.mutable_filter()->mutable_publish_time()->mutable_start_time()->set_seconds(100);
  new_style.mutable_filter()->mutable_publish_time()->mutable_end_time()->set_seconds(200);
  auto a = ToSearchParams(old_style, tokens, absl::Now(), absl::InfiniteFuture());
  auto b = ToSearchParams(new_style, tokens, absl::Now(), absl::InfiniteFuture());
  ASSERT_THAT(a, IsOk());
  ASSERT_THAT(b, IsOk());
  EXPECT_EQ(a->published_after, absl::FromUnixSeconds(100));
  EXPECT_EQ(a->published_before, absl::FromUnixSeconds(200));
  EXPECT_EQ(b->published_after, a->published_after);
  EXPECT_EQ(b->published_before, a->published_before);
}

TEST(ProtoConvertTest, OldOrderByNamesAreAliases) {
  v1::OrderBy parsed;
  ASSERT_TRUE(v1::OrderBy_Parse("NEWEST", &parsed));
  EXPECT_EQ(parsed, v1::ORDER_BY_NEWEST);
  ASSERT_TRUE(v1::OrderBy_Parse("ORDER_BY_RELEVANCE_RECENCY", &parsed));
  EXPECT_EQ(parsed, v1::RELEVANCE_RECENCY);
  const PageTokenCodec tokens(kKey);
  v1::SearchRequest request;
  request.set_order_by(v1::NEWEST);
  auto params = ToSearchParams(request, tokens, absl::Now(), absl::InfiniteFuture());
  ASSERT_THAT(params, IsOk());
  EXPECT_EQ(params->order, index::SortOrder::kNewest);
}

index::SearchParams MustConvert(const v1::SearchRequest& request) {
  const PageTokenCodec tokens(kKey);
  absl::StatusOr<SearchCall> call =
      ToSearchCall(request, tokens, absl::Now(), absl::InfiniteFuture());
  EXPECT_THAT(call, IsOk());
  return call.ok() ? call->params : index::SearchParams{};
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
