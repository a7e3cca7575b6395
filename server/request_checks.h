// Request checks: what the server refuses before it queues any work. Each
// check fails with kInvalidArgument and a message that names the request
// field and says what to send instead, e.g. "page_size must be between 0
// and 100 (0 means 10); got 500". Checks run in field order and stop at the
// first problem. Page tokens are checked when they are decoded
// (server/proto_convert.h), since that needs the request's fingerprint.
//
// Thread-safety: pure functions of their arguments; safe from any thread.
#ifndef STORYLINE_SERVER_REQUEST_CHECKS_H_
#define STORYLINE_SERVER_REQUEST_CHECKS_H_

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "storyline/v1/story_service.pb.h"

namespace storyline::server {

// Filter values listed per filter field (topics, sources) at most.
inline constexpr int kMaxFilterValues = 100;
// Fields a Search may ask facet counts for at most.
inline constexpr int kMaxFacets = 8;
// SimilarStoriesRequest.text, in bytes.
inline constexpr size_t kMaxSimilarTextBytes = 1 << 20;
// RecommendRequest.history items at most.
inline constexpr int kMaxHistory = 500;
// DeleteArticlesRequest.ids at most.
inline constexpr int kMaxDeleteIds = 10000;

// An article id used as a lookup key: 1 to index::kMaxIdBytes bytes.
// `field` names it in the message.
absl::Status CheckArticleId(absl::string_view id, absl::string_view field = "id");

// A Filter: at most kMaxFilterValues non-empty topics and sources of at
// most index::kMaxFieldBytes each, valid timestamps, after <= before.
absl::Status CheckFilter(const v1::Filter& filter);

// Everything in a SearchRequest but its page token: query size, page_size,
// order_by, filter, facets and recency_half_life.
absl::Status CheckSearchRequest(const v1::SearchRequest& request);

// Exactly one of article_id / text (text 1 byte..1 MiB, not only
// whitespace), page_size, filter, and a relative window only with
// article_id, after <= before.
absl::Status CheckSimilarRequest(const v1::SimilarStoriesRequest& request);

// 1..kMaxHistory history items with valid ids and read times, page_size,
// filter, freshness_half_life >= 0, diversity in [0, 1], as_of.
absl::Status CheckRecommendRequest(const v1::RecommendRequest& request);

// Query size, max_documents, cluster_count, stories_per_cluster, filter.
absl::Status CheckClusterRequest(const v1::TopicClustersRequest& request);

// 1..kMaxDeleteIds valid ids.
absl::Status CheckDeleteRequest(const v1::DeleteArticlesRequest& request);

}  // namespace storyline::server

#endif  // STORYLINE_SERVER_REQUEST_CHECKS_H_
