// Tests for server/story_paging.cc: SimilarStories and Recommend pages are
// slices of one list, with sealed tokens tied to the request.
#include "server/story_paging.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "server/error_details.h"
#include "tests/testing/status_matchers.h"

namespace storyline::server {
namespace {

using ::storyline::testing::IsOk;

constexpr char kKey[] = "0123456789abcdef0123456789abcdef";

// The first `n` stories of a fixed list, "s0", "s1", ..., as the index
// returns them for a depth of `n`.
index::SimilarResults SimilarList(int n, int list_size) {
  index::SimilarResults r;
  for (int i = 0; i < std::min(n, list_size); ++i) {
    r.hits.emplace_back().article.set_id("s" + std::to_string(i));
  }
  return r;
}

TEST(StoryPagingTest, SimilarPagesHaveNoGapsOrDuplicates) {
  const PageTokenCodec tokens(kKey);
  const absl::Time now = absl::FromUnixSeconds(1717000000);
  v1::SimilarStoriesRequest request;
  request.set_article_id("seed");
  request.set_page_size(3);
  std::vector<std::string> seen;
  for (int page = 0; page < 10; ++page) {
    absl::StatusOr<SimilarCall> call = ToSimilarCall(request, tokens, now, absl::InfiniteFuture());
    ASSERT_THAT(call, IsOk());
    v1::SimilarStoriesResponse response;
    ToSimilarPage(SimilarList(call->params.page_size, 8), *call, tokens, now, &response);
    for (const auto& s : response.stories()) seen.push_back(s.article().id());
    if (response.next_page_token().empty()) break;
    request.set_page_token(response.next_page_token());
  }
  EXPECT_THAT(seen, ::testing::ElementsAre("s0", "s1", "s2", "s3", "s4", "s5", "s6", "s7"));
}

TEST(StoryPagingTest, ATokenFromAnotherRequestIsRefused) {
  const PageTokenCodec tokens(kKey);
  const absl::Time now = absl::Now();
  v1::SimilarStoriesRequest request;
  request.set_article_id("seed");
  request.set_page_size(2);
  auto call = ToSimilarCall(request, tokens, now, absl::InfiniteFuture());
  ASSERT_THAT(call, IsOk());
  v1::SimilarStoriesResponse response;
  ToSimilarPage(SimilarList(call->params.page_size, 10), *call, tokens, now, &response);
  ASSERT_FALSE(response.next_page_token().empty());

  v1::SimilarStoriesRequest other = request;
  other.set_article_id("another-seed");
  other.set_page_token(response.next_page_token());
  const absl::Status refused = ToSimilarCall(other, tokens, now, absl::InfiniteFuture()).status();
  EXPECT_EQ(refused.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ErrorReason(refused), "PAGE_TOKEN_INVALID");

  // Recommend's tokens are not Similar's, even for the same bytes.
  v1::RecommendRequest recommend;
  recommend.add_history()->set_article_id("seed");
  recommend.set_page_token(response.next_page_token());
  EXPECT_EQ(ToRecommendCall(recommend, tokens, now, absl::InfiniteFuture()).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(StoryPagingTest, RecommendKeepsTheFirstPagesTime) {
  const PageTokenCodec tokens(kKey);
  const absl::Time first = absl::FromUnixSeconds(1717000000);
  v1::RecommendRequest request;
  request.add_history()->set_article_id("read");
  request.set_page_size(2);
  auto call = ToRecommendCall(request, tokens, first, absl::InfiniteFuture());
  ASSERT_THAT(call, IsOk());
  EXPECT_EQ(call->params.as_of, first);
  EXPECT_EQ(call->params.page_size, 3);  // the page and one more
  index::RecommendResults results;
  for (int i = 0; i < 3; ++i) results.hits.emplace_back().article.set_id("r" + std::to_string(i));
  v1::RecommendResponse response;
  ToRecommendPage(results, *call, tokens, first, &response);
  ASSERT_EQ(response.stories_size(), 2);
  ASSERT_FALSE(response.next_page_token().empty());

  request.set_page_token(response.next_page_token());
  auto next = ToRecommendCall(request, tokens, first + absl::Minutes(5), absl::InfiniteFuture());
  ASSERT_THAT(next, IsOk());
  EXPECT_EQ(next->params.as_of, first);
  EXPECT_EQ(next->slice.offset, 2);
  EXPECT_EQ(next->params.page_size, 5);
}

TEST(StoryPagingTest, PagingStopsAtTheIndexDepth) {
  const PageTokenCodec tokens(kKey);
  const absl::Time now = absl::Now();
  v1::SimilarStoriesRequest request;
  request.set_text("some text");
  request.set_page_size(60);
  auto call = ToSimilarCall(request, tokens, now, absl::InfiniteFuture());
  ASSERT_THAT(call, IsOk());
  v1::SimilarStoriesResponse response;
  ToSimilarPage(SimilarList(call->params.page_size, 500), *call, tokens, now, &response);
  ASSERT_FALSE(response.next_page_token().empty());
  request.set_page_token(response.next_page_token());
  call = ToSimilarCall(request, tokens, now, absl::InfiniteFuture());
  ASSERT_THAT(call, IsOk());
  EXPECT_EQ(call->params.page_size, 100);
  response.Clear();
  ToSimilarPage(SimilarList(call->params.page_size, 500), *call, tokens, now, &response);
  EXPECT_EQ(response.stories_size(), 40);
  EXPECT_EQ(response.stories(0).article().id(), "s60");
  EXPECT_TRUE(response.next_page_token().empty());
}

}  // namespace
}  // namespace storyline::server
