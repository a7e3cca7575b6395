#include "server/request_checks.h"

#include <google/protobuf/util/time_util.h>

#include <string>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "common/timestamp.h"
#include "index/schema.h"
#include "index/searcher.h"
#include "server/error_details.h"
#include "server/proto_time.h"

namespace storyline::server {

using common::CheckTimestamp;
namespace {

using google::protobuf::util::TimeUtil;

// common::CheckTimestamp, with the field and reason as details.
absl::Status CheckTimestampField(const google::protobuf::Timestamp& t, absl::string_view field) {
  return WithFieldViolation(CheckTimestamp(t, field), field, "TIMESTAMP_OUT_OF_RANGE");
}

// protobuf's Duration range: +-10,000 years.
constexpr int64_t kMaxDurationSeconds = 315576000000LL;

// A Duration within its documented range whose nanos share the sign of its
// seconds.
absl::Status CheckDuration(const google::protobuf::Duration& d, absl::string_view field) {
  if (d.seconds() < -kMaxDurationSeconds || d.seconds() > kMaxDurationSeconds ||
      d.nanos() <= -1000000000 || d.nanos() >= 1000000000 || (d.seconds() > 0 && d.nanos() < 0) ||
      (d.seconds() < 0 && d.nanos() > 0)) {
    return InvalidFieldError(field, "DURATION_INVALID",
                             absl::StrCat(field, " is not a valid duration"));
  }
  return absl::OkStatus();
}

// An absolute window: each end (if set) a valid timestamp, start <= end.
absl::Status CheckWindow(const google::protobuf::Timestamp* start,
                         const google::protobuf::Timestamp* end, absl::string_view start_field,
                         absl::string_view end_field) {
  if (start != nullptr) RETURN_IF_ERROR(CheckTimestampField(*start, start_field));
  if (end != nullptr) RETURN_IF_ERROR(CheckTimestampField(*end, end_field));
  if (start != nullptr && end != nullptr && ToAbslTime(*start) > ToAbslTime(*end)) {
    return InvalidFieldError(
        start_field, "TIME_WINDOW_EMPTY",
        absl::StrCat(start_field, " (", TimeUtil::ToString(*start), ") is later than ", end_field,
                     " (", TimeUtil::ToString(*end), "); swap them or widen the window"));
  }
  return absl::OkStatus();
}

absl::Status CheckValues(const google::protobuf::RepeatedPtrField<std::string>& values,
                         absl::string_view field) {
  if (values.size() > kMaxFilterValues) {
    return InvalidFieldError(
        field, "FILTER_TOO_MANY_VALUES",
        absl::StrCat(field, " has ", values.size(), " values; at most ", kMaxFilterValues));
  }
  for (int i = 0; i < values.size(); ++i) {
    if (values[i].empty() || values[i].size() > index::kMaxFieldBytes) {
      const std::string path = absl::StrCat(field, "[", i, "]");
      return InvalidFieldError(
          path, "FILTER_VALUE_SIZE",
          absl::StrCat(path, " must be 1 to ", index::kMaxFieldBytes, " bytes"));
    }
  }
  return absl::OkStatus();
}

absl::Status CheckPageSize(int page_size) {
  if (page_size < 0 || page_size > index::kMaxPageSize) {
    return InvalidFieldError(
        "page_size", "PAGE_SIZE_OUT_OF_RANGE",
        absl::StrCat("page_size must be between 0 and ", index::kMaxPageSize, " (0 means ",
                     index::kDefaultPageSize, "); got ", page_size));
  }
  return absl::OkStatus();
}

absl::Status CheckOrderBy(int order_by) {
  if (!v1::OrderBy_IsValid(order_by)) {
    return InvalidFieldError(
        "order_by", "ORDER_BY_UNKNOWN",
        absl::StrCat("order_by ", order_by,
                     " is not a known value; use ORDER_BY_RELEVANCE, ORDER_BY_NEWEST or "
                     "ORDER_BY_RELEVANCE_RECENCY"));
  }
  return absl::OkStatus();
}

absl::Status CheckFacets(const google::protobuf::RepeatedPtrField<std::string>& facets) {
  if (facets.size() > kMaxFacets) {
    return InvalidFieldError(
        "facets", "FACETS_TOO_MANY",
        absl::StrCat("facets lists ", facets.size(), " fields; at most ", kMaxFacets));
  }
  return absl::OkStatus();
}

// Checked after recency_half_life, as the server always has.
absl::Status CheckFacetFields(const google::protobuf::RepeatedPtrField<std::string>& facets) {
  for (int i = 0; i < facets.size(); ++i) {
    if (!index::IsFacetField(facets[i])) {
      return InvalidFieldError(
          absl::StrCat("facets[", i, "]"), "FACET_FIELD_UNKNOWN",
          absl::StrCat("facets[", i, "] is \"", facets[i],
                       "\", which is not a facet field; use \"topic\" or \"source\""));
    }
  }
  return absl::OkStatus();
}

absl::Status CheckRecencyHalfLife(const v1::SearchRequest& request) {
  if (!request.has_recency_half_life()) return absl::OkStatus();
  RETURN_IF_ERROR(CheckDuration(request.recency_half_life(), "recency_half_life"));
  const absl::Duration h = ToAbslDuration(request.recency_half_life());
  if (h < absl::Seconds(1) || h > absl::Hours(24 * 365 * 100)) {
    return InvalidFieldError(
        "recency_half_life", "HALF_LIFE_OUT_OF_RANGE",
        "recency_half_life must be between 1 second and 100 years (unset means 7 days)");
  }
  return absl::OkStatus();
}

absl::Status CheckSimilarSeed(const v1::SimilarStoriesRequest& request) {
  switch (request.seed_case()) {
    case v1::SimilarStoriesRequest::kArticleId:
      return CheckArticleId(request.article_id(), "article_id");
    case v1::SimilarStoriesRequest::kText:
      if (request.text().find_first_not_of(" \t\r\n") == std::string::npos) {
        return InvalidFieldError("text", "TEXT_EMPTY",
                                 "text is empty; give some text to find stories like it");
      }
      if (request.text().size() > kMaxSimilarTextBytes) {
        return InvalidFieldError(
            "text", "TEXT_TOO_LONG",
            absl::StrCat("text is ", request.text().size(), " bytes; at most 1 MiB (",
                         kMaxSimilarTextBytes, " bytes) is allowed"));
      }
      return absl::OkStatus();
    default:
      return InvalidFieldError(
          "seed", "SEED_MISSING",
          "set exactly one of article_id or text to say what the stories should be like");
  }
}

// published_after/before relative to the seed article.
absl::Status CheckSimilarWindow(const v1::SimilarStoriesRequest& request) {
  if (!request.has_published_after() && !request.has_published_before()) return absl::OkStatus();
  if (request.seed_case() != v1::SimilarStoriesRequest::kArticleId) {
    return InvalidFieldError(
        request.has_published_after() ? "published_after" : "published_before",
        "RELATIVE_WINDOW_NEEDS_ARTICLE_ID",
        "published_after/published_before are relative to the seed article, so they need "
        "article_id, not text; use filter.published_after/before for absolute dates");
  }
  if (request.has_published_after()) {
    RETURN_IF_ERROR(CheckDuration(request.published_after(), "published_after"));
  }
  if (request.has_published_before()) {
    RETURN_IF_ERROR(CheckDuration(request.published_before(), "published_before"));
  }
  if (request.has_published_after() && request.has_published_before() &&
      ToAbslDuration(request.published_after()) > ToAbslDuration(request.published_before())) {
    return InvalidFieldError("published_after", "TIME_WINDOW_EMPTY",
                             "published_after is later than published_before; the window is empty");
  }
  return absl::OkStatus();
}

absl::Status CheckHistory(const google::protobuf::RepeatedPtrField<v1::HistoryItem>& history) {
  if (history.empty()) {
    return InvalidFieldError("history", "HISTORY_EMPTY",
                             "history is empty; list the ids of articles the user read");
  }
  if (history.size() > kMaxHistory) {
    return InvalidFieldError("history", "HISTORY_TOO_LONG",
                             absl::StrCat("history has ", history.size(), " items; at most ",
                                          kMaxHistory, " (newest first) are allowed"));
  }
  for (int i = 0; i < history.size(); ++i) {
    RETURN_IF_ERROR(
        CheckArticleId(history[i].article_id(), absl::StrCat("history[", i, "].article_id")));
    if (history[i].has_read_time()) {
      const std::string field = absl::StrCat("history[", i, "].read_time");
      RETURN_IF_ERROR(WithFieldViolation(CheckTimestamp(history[i].read_time(), field), field,
                                         "TIMESTAMP_OUT_OF_RANGE"));
    }
  }
  return absl::OkStatus();
}

absl::Status CheckFreshnessHalfLife(const v1::RecommendRequest& request) {
  if (!request.has_freshness_half_life()) return absl::OkStatus();
  RETURN_IF_ERROR(CheckDuration(request.freshness_half_life(), "freshness_half_life"));
  if (ToAbslDuration(request.freshness_half_life()) < absl::ZeroDuration()) {
    return InvalidFieldError(
        "freshness_half_life", "HALF_LIFE_NEGATIVE",
        "freshness_half_life is negative; use 0 for no recency decay or a positive duration");
  }
  return absl::OkStatus();
}

absl::Status CheckDiversity(double diversity) {
  if (!(diversity >= 0.0 && diversity <= 1.0)) {  // NaN fails too
    return InvalidFieldError(
        "diversity", "DIVERSITY_OUT_OF_RANGE",
        absl::StrCat("diversity must be between 0 (pure relevance) and 1 (maximal spread); got ",
                     diversity));
  }
  return absl::OkStatus();
}

absl::Status CheckClusterSizes(const v1::TopicClustersRequest& request) {
  if (request.max_documents() < 0 || request.max_documents() > index::kMaxClusterDocuments) {
    return InvalidFieldError(
        "max_documents", "MAX_DOCUMENTS_OUT_OF_RANGE",
        absl::StrCat("max_documents must be between 1 and ", index::kMaxClusterDocuments,
                     " (0 means the default, ", index::kDefaultClusterDocuments, "); got ",
                     request.max_documents()));
  }
  if (request.cluster_count() < 0 || request.cluster_count() > index::kMaxClusterCount) {
    return InvalidFieldError(
        "cluster_count", "CLUSTER_COUNT_OUT_OF_RANGE",
        absl::StrCat("cluster_count must be between 1 and ", index::kMaxClusterCount,
                     " (0 chooses automatically); got ", request.cluster_count()));
  }
  if (request.stories_per_cluster() < 0 ||
      request.stories_per_cluster() > index::kMaxStoriesPerCluster) {
    return InvalidFieldError(
        "stories_per_cluster", "STORIES_PER_CLUSTER_OUT_OF_RANGE",
        absl::StrCat("stories_per_cluster must be between 1 and ", index::kMaxStoriesPerCluster,
                     " (0 means the default, ", index::kDefaultStoriesPerCluster, "); got ",
                     request.stories_per_cluster()));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status CheckArticleId(absl::string_view id, absl::string_view field) {
  if (id.empty()) {
    return InvalidFieldError(field, "ARTICLE_ID_EMPTY",
                             absl::StrCat(field, " is empty; pass an article id"));
  }
  if (id.size() > index::kMaxIdBytes) {
    return InvalidFieldError(field, "ARTICLE_ID_TOO_LONG",
                             absl::StrCat(field, " is ", id.size(), " bytes; ids are at most ",
                                          index::kMaxIdBytes, " bytes"));
  }
  return absl::OkStatus();
}

absl::Status CheckFilter(const v1::Filter& filter) {
  RETURN_IF_ERROR(CheckValues(filter.topics(), "filter.topics"));
  RETURN_IF_ERROR(CheckValues(filter.sources(), "filter.sources"));
  if (filter.has_publish_time()) {
    if (filter.has_published_after() || filter.has_published_before()) {
      return InvalidFieldError(
          "filter.publish_time", "TIME_WINDOW_CONFLICT",
          "filter.publish_time cannot be combined with the deprecated "
          "filter.published_after/published_before; use publish_time.start_time and end_time");
    }
    const v1::TimeWindow& w = filter.publish_time();
    return CheckWindow(w.has_start_time() ? &w.start_time() : nullptr,
                       w.has_end_time() ? &w.end_time() : nullptr, "filter.publish_time.start_time",
                       "filter.publish_time.end_time");
  }
  return CheckWindow(filter.has_published_after() ? &filter.published_after() : nullptr,
                     filter.has_published_before() ? &filter.published_before() : nullptr,
                     "filter.published_after", "filter.published_before");
}

absl::Status CheckSearchRequest(const v1::SearchRequest& request) {
  if (request.query().size() > index::kMaxQueryBytes) {
    return InvalidFieldError(
        "query", "QUERY_TOO_LONG",
        absl::StrCat("query is ", request.query().size(), " bytes; the limit is ",
                     index::kMaxQueryBytes, " bytes, so shorten it"));
  }
  RETURN_IF_ERROR(CheckPageSize(request.page_size()));
  RETURN_IF_ERROR(CheckOrderBy(request.order_by()));
  RETURN_IF_ERROR(CheckFilter(request.filter()));
  RETURN_IF_ERROR(CheckFacets(request.facets()));
  RETURN_IF_ERROR(CheckRecencyHalfLife(request));
  return CheckFacetFields(request.facets());
}

absl::Status CheckSimilarRequest(const v1::SimilarStoriesRequest& request) {
  RETURN_IF_ERROR(CheckSimilarSeed(request));
  RETURN_IF_ERROR(CheckPageSize(request.page_size()));
  RETURN_IF_ERROR(CheckFilter(request.filter()));
  return CheckSimilarWindow(request);
}

absl::Status CheckRecommendRequest(const v1::RecommendRequest& request) {
  RETURN_IF_ERROR(CheckHistory(request.history()));
  RETURN_IF_ERROR(CheckPageSize(request.page_size()));
  RETURN_IF_ERROR(CheckFilter(request.filter()));
  RETURN_IF_ERROR(CheckFreshnessHalfLife(request));
  RETURN_IF_ERROR(CheckDiversity(request.diversity()));
  if (request.has_as_of()) RETURN_IF_ERROR(CheckTimestampField(request.as_of(), "as_of"));
  return absl::OkStatus();
}

absl::Status CheckClusterRequest(const v1::TopicClustersRequest& request) {
  if (request.query().size() > index::kMaxQueryBytes) {
    return InvalidFieldError("query", "QUERY_TOO_LONG",
                             absl::StrCat("query is ", request.query().size(),
                                          " bytes; the limit is ", index::kMaxQueryBytes));
  }
  RETURN_IF_ERROR(CheckClusterSizes(request));
  return CheckFilter(request.filter());
}

absl::Status CheckDeleteRequest(const v1::DeleteArticlesRequest& request) {
  if (request.ids_size() == 0) {
    return InvalidFieldError("ids", "IDS_EMPTY", "ids is empty; list the article ids to delete");
  }
  if (request.ids_size() > kMaxDeleteIds) {
    return InvalidFieldError("ids", "TOO_MANY_IDS",
                             absl::StrCat("ids lists ", request.ids_size(), " ids; at most ",
                                          kMaxDeleteIds, " per call"));
  }
  for (int i = 0; i < request.ids_size(); ++i) {
    RETURN_IF_ERROR(CheckArticleId(request.ids(i), absl::StrCat("ids[", i, "]")));
  }
  return absl::OkStatus();
}

}  // namespace storyline::server
