#include "server/proto_convert.h"

#include <algorithm>
#include <string>
#include <utility>

#include "common/status_macros.h"
#include "common/timestamp.h"
#include "index/schema.h"
#include "server/proto_time.h"
#include "server/request_checks.h"
#include "server/search_fingerprint.h"

namespace storyline::server {
namespace {

index::SortOrder ToSortOrder(v1::OrderBy order_by) {
  switch (order_by) {
    case v1::ORDER_BY_NEWEST:
      return index::SortOrder::kNewest;
    case v1::ORDER_BY_RELEVANCE_RECENCY:
      return index::SortOrder::kRelevanceRecency;
    default:
      return index::SortOrder::kRelevance;
  }
}

// 0 asks for the default page size.
int PageSizeOrDefault(int page_size) {
  return page_size == 0 ? index::kDefaultPageSize : page_size;
}

index::FilterParams ToFilterParams(const v1::Filter& f) {
  index::FilterParams out;
  out.topics.assign(f.topics().begin(), f.topics().end());
  out.sources.assign(f.sources().begin(), f.sources().end());
  // CheckFilter allows publish_time or the deprecated pair, not both.
  if (f.has_publish_time()) {
    const v1::TimeWindow& w = f.publish_time();
    if (w.has_start_time()) out.published_after = ToAbslTime(w.start_time());
    if (w.has_end_time()) out.published_before = ToAbslTime(w.end_time());
    return out;
  }
  if (f.has_published_after()) out.published_after = ToAbslTime(f.published_after());
  if (f.has_published_before()) out.published_before = ToAbslTime(f.published_before());
  return out;
}

// The parameters of a checked request, all but its page position.
index::SearchParams MapSearchRequest(const v1::SearchRequest& request, absl::Time deadline) {
  index::SearchParams p;
  p.query = request.query();
  index::FilterParams filter = ToFilterParams(request.filter());
  p.topics = std::move(filter.topics);
  p.sources = std::move(filter.sources);
  p.published_after = filter.published_after;
  p.published_before = filter.published_before;
  p.page_size = PageSizeOrDefault(request.page_size());
  p.order = ToSortOrder(request.order_by());
  if (request.has_recency_half_life()) {
    p.recency_half_life = ToAbslDuration(request.recency_half_life());
  }
  p.explain = request.explain();
  p.facets.assign(request.facets().begin(), request.facets().end());
  p.include_body = request.include_body();
  p.typo_tolerance = !request.has_typo_tolerance() || request.typo_tolerance();
  p.allow_partial = request.allow_partial_results();
  p.deadline = deadline;
  return p;
}

index::HistoryEntry ToHistoryEntry(const v1::HistoryItem& item) {
  index::HistoryEntry e;
  e.article_id = item.article_id();
  return e;
}

}  // namespace

absl::StatusOr<SearchCall> ToSearchCall(const v1::SearchRequest& request,
                                        const PageTokenCodec& tokens, absl::Time now,
                                        absl::Time deadline) {
  RETURN_IF_ERROR(CheckSearchRequest(request));
  SearchCall call{.params = MapSearchRequest(request, deadline)};
  if (!request.page_token().empty()) {
    // The token says where the page starts, whether its list keeps
    // first-stage order (pages begun before the semantic model existed),
    // and the first page's total_size.
    ASSIGN_OR_RETURN(const PagePosition position,
                     tokens.Decode(request.page_token(), SearchFingerprint(call.params), now));
    call.params.offset = position.offset;
    call.params.first_stage_order = position.first_stage_order;
    call.first_page_total = position.total_size;
  }
  return call;
}

absl::StatusOr<index::SearchParams> ToSearchParams(const v1::SearchRequest& request,
                                                   const PageTokenCodec& tokens, absl::Time now,
                                                   absl::Time deadline) {
  ASSIGN_OR_RETURN(SearchCall call, ToSearchCall(request, tokens, now, deadline));
  return std::move(call.params);
}

void ToSearchResponse(index::SearchResults results, const index::SearchParams& params,
                      const PageTokenCodec& tokens, absl::Time now, v1::SearchResponse* response,
                      int64_t first_page_total) {
  // Later pages repeat the first page's estimate, so the count does not
  // move while paging; only a count below what the pages have already
  // shown is raised.
  const int64_t shown = params.offset + static_cast<int64_t>(results.hits.size());
  const int64_t total =
      first_page_total >= 0 ? std::max(first_page_total, shown) : results.total_estimate;
  response->mutable_results()->Reserve(static_cast<int>(results.hits.size()));
  for (index::SearchHit& hit : results.hits) {
    v1::SearchResult* r = response->add_results();
    *r->mutable_article() = std::move(hit.article);
    r->set_score(hit.score);
    *r->mutable_snippet() = std::move(hit.snippet);
    for (index::TermContribution& c : hit.explanation) {
      v1::TermWeight* w = r->add_explanation();
      w->set_term(std::move(c.term));
      w->set_weight(c.weight);
    }
  }
  if (results.has_more) {
    response->set_next_page_token(tokens.Encode(SearchFingerprint(params),
                                                {.offset = params.offset + params.page_size,
                                                 .first_stage_order = results.first_stage_order,
                                                 .total_size = total},
                                                now));
  }
  response->set_total_size(total);
  for (index::Facet& facet : results.facets) {
    v1::FacetResult* f = response->add_facets();
    f->set_field(std::move(facet.field));
    for (index::FacetCount& v : facet.values) {
      v1::FacetResult::Value* value = f->add_values();
      value->set_value(std::move(v.value));
      value->set_count(v.count);
    }
  }
  response->set_corrected_query(std::move(results.corrected_query));
  response->set_partial(!results.missing_shards.empty());
  for (std::string& shard : results.missing_shards) response->add_missing_shards(std::move(shard));
}

void ToIndexStatsProto(const index::IndexStatsData& stats, v1::IndexStats* out) {
  out->set_article_count(stats.article_count);
  out->set_revision(stats.revision);
  out->set_disk_bytes(stats.disk_bytes);
  out->set_semantic_articles(stats.semantic_articles);
  if (stats.last_commit_time) {
    *out->mutable_last_commit_time() = common::ToTimestamp(*stats.last_commit_time);
  }
}

absl::StatusOr<index::SimilarParams> ToSimilarParams(const v1::SimilarStoriesRequest& request,
                                                     absl::Time deadline) {
  RETURN_IF_ERROR(CheckSimilarRequest(request));
  index::SimilarParams p;
  if (request.seed_case() == v1::SimilarStoriesRequest::kArticleId) {
    p.article_id = request.article_id();
  } else {
    p.text = request.text();
  }
  p.page_size = PageSizeOrDefault(request.page_size());
  p.filter = ToFilterParams(request.filter());
  if (request.has_published_after()) p.after_seed = ToAbslDuration(request.published_after());
  if (request.has_published_before()) p.before_seed = ToAbslDuration(request.published_before());
  p.include_duplicates = request.include_duplicates();
  p.include_body = request.include_body();
  p.deadline = deadline;
  return p;
}

void ToSimilarResponse(index::SimilarResults results, v1::SimilarStoriesResponse* response) {
  for (index::SimilarHit& hit : results.hits) {
    v1::SimilarStory* s = response->add_stories();
    *s->mutable_article() = std::move(hit.article);
    s->set_score(hit.score);
    for (std::string& t : hit.shared_terms) s->add_shared_terms(std::move(t));
    for (std::string& d : hit.duplicates) s->add_duplicates(std::move(d));
  }
  for (std::string& d : results.seed_duplicates) response->add_seed_duplicates(std::move(d));
}

absl::StatusOr<index::RecommendParams> ToRecommendParams(const v1::RecommendRequest& request,
                                                         absl::Time now, absl::Time deadline) {
  RETURN_IF_ERROR(CheckRecommendRequest(request));
  index::RecommendParams p;
  for (const v1::HistoryItem& item : request.history()) p.history.push_back(ToHistoryEntry(item));
  p.page_size = PageSizeOrDefault(request.page_size());
  p.filter = ToFilterParams(request.filter());
  if (request.has_freshness_half_life()) {
    p.half_life = ToAbslDuration(request.freshness_half_life());
  }
  p.diversity = request.diversity();
  p.as_of = request.has_as_of() ? ToAbslTime(request.as_of()) : now;
  p.deadline = deadline;
  return p;
}

absl::StatusOr<index::ClusterParams> ToClusterParams(const v1::TopicClustersRequest& request,
                                                     absl::Time deadline) {
  RETURN_IF_ERROR(CheckClusterRequest(request));
  index::ClusterParams p;
  p.query = request.query();
  p.max_documents =
      request.max_documents() == 0 ? index::kDefaultClusterDocuments : request.max_documents();
  p.cluster_count = request.cluster_count();
  p.stories_per_cluster = request.stories_per_cluster() == 0 ? index::kDefaultStoriesPerCluster
                                                             : request.stories_per_cluster();
  p.filter = ToFilterParams(request.filter());
  p.seed = request.seed();
  p.deadline = deadline;
  return p;
}

void ToClusterResponse(index::ClusterResults results, v1::TopicClustersResponse* response) {
  for (index::ClusterData& c : results.clusters) {
    v1::TopicCluster* out = response->add_clusters();
    out->set_id(c.id);
    out->set_label(std::move(c.label));
    for (index::ClusterKeywordData& k : c.keywords) {
      v1::ClusterKeyword* kw = out->add_keywords();
      kw->set_term(std::move(k.term));
      kw->set_weight(k.weight);
    }
    out->set_size(static_cast<int32_t>(c.members.size()));
    out->set_score(c.score);
    for (auto& [id, score] : c.members) {
      v1::ClusterMember* m = out->add_members();
      m->set_article_id(std::move(id));
      m->set_score(score);
    }
    for (v1::Article& a : c.top_stories) *out->add_top_stories() = std::move(a);
  }
  for (std::string& id : results.unclustered) response->add_unclustered(std::move(id));
  response->set_considered_documents(results.considered_documents);
}

void ToRecommendResponse(index::RecommendResults results, v1::RecommendResponse* response) {
  for (index::RecommendHit& hit : results.hits) {
    v1::RecommendedStory* s = response->add_stories();
    *s->mutable_article() = std::move(hit.article);
    s->set_score(hit.score);
    for (std::string& b : hit.because) s->add_because(std::move(b));
    for (std::string& t : hit.shared_terms) s->add_shared_terms(std::move(t));
  }
  for (std::string& id : results.unknown_ids) response->add_unknown_history_ids(std::move(id));
}

}  // namespace storyline::server
