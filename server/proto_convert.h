// Maps between the public protos and the index library's option/result
// structs. Each To*Params first runs the request's checks
// (server/request_checks.h), so it fails with their kInvalidArgument, then
// maps the checked request; the To*Response functions move results into a
// reply and cannot fail.
//
// Thread-safety: free functions over their arguments; safe from any thread.
#ifndef STORYLINE_SERVER_PROTO_CONVERT_H_
#define STORYLINE_SERVER_PROTO_CONVERT_H_

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "index/searcher.h"
#include "server/page_token.h"
#include "storyline/v1/story_service.pb.h"

namespace storyline::server {

// A checked search: its parameters, and the first page's total_size when
// this is a later page (-1 on the first page).
struct SearchCall {
  index::SearchParams params;
  int64_t first_page_total = -1;
};

// Checks `request` (CheckSearchRequest) and turns it into search
// parameters, decoding its page token with `tokens` (kInvalidArgument if
// the token is malformed, forged, for another request or expired).
// `deadline` is copied into the parameters.
absl::StatusOr<SearchCall> ToSearchCall(const v1::SearchRequest& request,
                                        const PageTokenCodec& tokens, absl::Time now,
                                        absl::Time deadline);
// ToSearchCall's parameters alone.
absl::StatusOr<index::SearchParams> ToSearchParams(const v1::SearchRequest& request,
                                                   const PageTokenCodec& tokens, absl::Time now,
                                                   absl::Time deadline);

// Moves `results` into a response, minting the next page token if there is
// a next page. total_size is `first_page_total` when that is >= 0 (raised
// to the results shown so far if it is below them), else the results'
// estimate; the token carries it on to the next page.
void ToSearchResponse(index::SearchResults results, const index::SearchParams& params,
                      const PageTokenCodec& tokens, absl::Time now, v1::SearchResponse* response,
                      int64_t first_page_total = -1);

void ToIndexStatsProto(const index::IndexStatsData& stats, v1::IndexStats* out);

// Checks a SimilarStoriesRequest (CheckSimilarRequest) and maps it.
absl::StatusOr<index::SimilarParams> ToSimilarParams(const v1::SimilarStoriesRequest& request,
                                                     absl::Time deadline);
void ToSimilarResponse(index::SimilarResults results, v1::SimilarStoriesResponse* response);

// Checks a RecommendRequest (CheckRecommendRequest) and maps it; `now` is
// the as_of time when the request has none.
absl::StatusOr<index::RecommendParams> ToRecommendParams(const v1::RecommendRequest& request,
                                                         absl::Time now, absl::Time deadline);
void ToRecommendResponse(index::RecommendResults results, v1::RecommendResponse* response);

// Checks a TopicClustersRequest (CheckClusterRequest) and maps it.
absl::StatusOr<index::ClusterParams> ToClusterParams(const v1::TopicClustersRequest& request,
                                                     absl::Time deadline);
void ToClusterResponse(index::ClusterResults results, v1::TopicClustersResponse* response);

}  // namespace storyline::server

#endif  // STORYLINE_SERVER_PROTO_CONVERT_H_
