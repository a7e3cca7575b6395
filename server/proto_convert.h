// Converts and validates between the public protos and the index library's
// option/result structs. Validation errors are kInvalidArgument and name the
// request field, e.g. "page_size must be between 0 and 100; got 500".
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

// Validates `request` and turns it into search parameters, decoding its
// page token with `tokens`. `deadline` is copied into the parameters.
absl::StatusOr<index::SearchParams> ToSearchParams(const v1::SearchRequest& request,
                                                   const PageTokenCodec& tokens, absl::Time now,
                                                   absl::Time deadline);

// Moves `results` into a response, minting the next page token if there is
// a next page.
void ToSearchResponse(index::SearchResults results, const index::SearchParams& params,
                      const PageTokenCodec& tokens, absl::Time now, v1::SearchResponse* response);

// Validates an article id as a lookup key ("id" names the field).
absl::Status ValidateId(absl::string_view id, absl::string_view field = "id");

// Validates the time window of a Filter.
absl::Status ValidateFilter(const v1::Filter& filter);

void ToIndexStatsProto(const index::IndexStatsData& stats, v1::IndexStats* out);

// Validates a SimilarStoriesRequest (exactly one of article_id / text,
// text 1 byte..1 MiB, page_size 0..100, filter, relative window).
absl::StatusOr<index::SimilarParams> ToSimilarParams(const v1::SimilarStoriesRequest& request,
                                                     absl::Time deadline);
void ToSimilarResponse(index::SimilarResults results, v1::SimilarStoriesResponse* response);

// Validates a RecommendRequest (1..500 history ids, page_size 0..100,
// filter, half-life >= 0, diversity in [0, 1], as_of).
absl::StatusOr<index::RecommendParams> ToRecommendParams(const v1::RecommendRequest& request,
                                                         absl::Time now, absl::Time deadline);
void ToRecommendResponse(index::RecommendResults results, v1::RecommendResponse* response);

// Validates a TopicClustersRequest (query <= 4096 bytes, max_documents
// 0..10000, cluster_count 0..50, stories_per_cluster 0..100, filter).
absl::StatusOr<index::ClusterParams> ToClusterParams(const v1::TopicClustersRequest& request,
                                                     absl::Time deadline);
void ToClusterResponse(index::ClusterResults results, v1::TopicClustersResponse* response);

}  // namespace storyline::server

#endif  // STORYLINE_SERVER_PROTO_CONVERT_H_
