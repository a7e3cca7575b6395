// Paging for SimilarStories and Recommend. The index computes these lists
// from the top with no offset, so a page at `offset` asks the index for
// the stories up to the end of the page plus one (to learn whether another
// page follows) and keeps the page's slice. Lists reach index::kMaxPageSize
// stories at most; the last page within them has no next_page_token.
// Tokens are the sealed ones of server/page_token.h, bound to a fingerprint
// of the request without page_token and page_size; a Recommend without
// as_of keeps the first page's time on every later page.
//
// Thread-safety: free functions over their arguments; safe from any thread.
#ifndef STORYLINE_SERVER_STORY_PAGING_H_
#define STORYLINE_SERVER_STORY_PAGING_H_

#include <cstdint>
#include <optional>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "index/searcher.h"
#include "server/page_token.h"
#include "storyline/v1/story_service.pb.h"

namespace storyline::server {

// Where a page lies in its list, and what binds its tokens to the request.
struct PageSlice {
  int64_t offset = 0;
  int page_size = 0;
  uint64_t fingerprint = 0;
  // Recommend's as_of chosen by the server on the first page.
  std::optional<absl::Time> reference_time = std::nullopt;
};

struct SimilarCall {
  index::SimilarParams params;  // page_size is the depth asked of the index
  PageSlice slice;
};

struct RecommendCall {
  index::RecommendParams params;  // page_size is the depth asked of the index
  PageSlice slice;
};

// Checks and maps `request` (ToSimilarParams), decoding its page token
// with `tokens`. Fails with kInvalidArgument (reason PAGE_TOKEN_INVALID for
// a token that is malformed, forged, expired or for another request).
absl::StatusOr<SimilarCall> ToSimilarCall(const v1::SimilarStoriesRequest& request,
                                          const PageTokenCodec& tokens, absl::Time now,
                                          absl::Time deadline);

// Keeps the call's page of `results`, fills `response` and, when more
// stories follow, its next_page_token.
void ToSimilarPage(index::SimilarResults results, const SimilarCall& call,
                   const PageTokenCodec& tokens, absl::Time now,
                   v1::SimilarStoriesResponse* response);

// As ToSimilarCall, for Recommend; `now` is as_of on a first page that has
// none.
absl::StatusOr<RecommendCall> ToRecommendCall(const v1::RecommendRequest& request,
                                              const PageTokenCodec& tokens, absl::Time now,
                                              absl::Time deadline);

void ToRecommendPage(index::RecommendResults results, const RecommendCall& call,
                     const PageTokenCodec& tokens, absl::Time now, v1::RecommendResponse* response);

}  // namespace storyline::server

#endif  // STORYLINE_SERVER_STORY_PAGING_H_
