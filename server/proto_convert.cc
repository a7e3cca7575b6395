#include "server/proto_convert.h"

#include <google/protobuf/util/time_util.h>

#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "index/schema.h"
#include "server/search_fingerprint.h"

namespace storyline::server {
namespace {

using google::protobuf::Timestamp;
using google::protobuf::util::TimeUtil;

constexpr int kMaxFilterValues = 100;
constexpr int kMaxFacets = 8;

absl::Status CheckTimestamp(const Timestamp& t, absl::string_view field) {
  if (t.seconds() < TimeUtil::kTimestampMinSeconds ||
      t.seconds() > TimeUtil::kTimestampMaxSeconds || t.nanos() < 0 || t.nanos() > 999999999) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, " is not a valid timestamp; use a time between years 1 and 9999"));
  }
  return absl::OkStatus();
}

absl::Time ToAbslTime(const Timestamp& t) {
  return absl::FromUnixSeconds(t.seconds()) + absl::Nanoseconds(t.nanos());
}

absl::Status CheckValues(const google::protobuf::RepeatedPtrField<std::string>& values,
                         absl::string_view field) {
  if (values.size() > kMaxFilterValues) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, " has ", values.size(), " values; at most ", kMaxFilterValues));
  }
  for (int i = 0; i < values.size(); ++i) {
    if (values[i].empty() || values[i].size() > index::kMaxFieldBytes) {
      return absl::InvalidArgumentError(
          absl::StrCat(field, "[", i, "] must be 1 to ", index::kMaxFieldBytes, " bytes"));
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status ValidateId(absl::string_view id, absl::string_view field) {
  if (id.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(field, " is empty; pass an article id"));
  }
  if (id.size() > index::kMaxIdBytes) {
    return absl::InvalidArgumentError(absl::StrCat(
        field, " is ", id.size(), " bytes; ids are at most ", index::kMaxIdBytes, " bytes"));
  }
  return absl::OkStatus();
}

absl::Status ValidateFilter(const v1::Filter& filter) {
  if (absl::Status s = CheckValues(filter.topics(), "filter.topics"); !s.ok()) return s;
  if (absl::Status s = CheckValues(filter.sources(), "filter.sources"); !s.ok()) return s;
  if (filter.has_published_after()) {
    if (absl::Status s = CheckTimestamp(filter.published_after(), "filter.published_after");
        !s.ok()) {
      return s;
    }
  }
  if (filter.has_published_before()) {
    if (absl::Status s = CheckTimestamp(filter.published_before(), "filter.published_before");
        !s.ok()) {
      return s;
    }
  }
  if (filter.has_published_after() && filter.has_published_before() &&
      ToAbslTime(filter.published_after()) > ToAbslTime(filter.published_before())) {
    return absl::InvalidArgumentError(absl::StrCat(
        "filter.published_after (", TimeUtil::ToString(filter.published_after()),
        ") is later than filter.published_before (", TimeUtil::ToString(filter.published_before()),
        "); swap them or widen the window"));
  }
  return absl::OkStatus();
}

absl::StatusOr<absl::Duration> ToDuration(const google::protobuf::Duration& d,
                                          absl::string_view field) {
  // Duration's documented range is +-10,000 years; nanos share the sign.
  if (d.seconds() < -315576000000LL || d.seconds() > 315576000000LL || d.nanos() <= -1000000000 ||
      d.nanos() >= 1000000000 || (d.seconds() > 0 && d.nanos() < 0) ||
      (d.seconds() < 0 && d.nanos() > 0)) {
    return absl::InvalidArgumentError(absl::StrCat(field, " is not a valid duration"));
  }
  return absl::Seconds(d.seconds()) + absl::Nanoseconds(d.nanos());
}

absl::StatusOr<index::SearchParams> ToSearchParams(const v1::SearchRequest& request,
                                                   const PageTokenCodec& tokens, absl::Time now,
                                                   absl::Time deadline) {
  if (request.query().size() > index::kMaxQueryBytes) {
    return absl::InvalidArgumentError(absl::StrCat("query is ", request.query().size(),
                                                   " bytes; the limit is ", index::kMaxQueryBytes,
                                                   " bytes, so shorten it"));
  }
  if (request.page_size() < 0 || request.page_size() > index::kMaxPageSize) {
    return absl::InvalidArgumentError(
        absl::StrCat("page_size must be between 0 and ", index::kMaxPageSize, " (0 means ",
                     index::kDefaultPageSize, "); got ", request.page_size()));
  }
  if (!v1::OrderBy_IsValid(request.order_by())) {
    return absl::InvalidArgumentError(
        absl::StrCat("order_by ", request.order_by(),
                     " is not a known value; use RELEVANCE, NEWEST or RELEVANCE_RECENCY"));
  }
  if (absl::Status s = ValidateFilter(request.filter()); !s.ok()) return s;
  if (request.facets_size() > kMaxFacets) {
    return absl::InvalidArgumentError(
        absl::StrCat("facets lists ", request.facets_size(), " fields; at most ", kMaxFacets));
  }

  index::SearchParams p;
  p.query = request.query();
  p.topics.assign(request.filter().topics().begin(), request.filter().topics().end());
  p.sources.assign(request.filter().sources().begin(), request.filter().sources().end());
  if (request.filter().has_published_after()) {
    p.published_after = ToAbslTime(request.filter().published_after());
  }
  if (request.filter().has_published_before()) {
    p.published_before = ToAbslTime(request.filter().published_before());
  }
  p.page_size = request.page_size() == 0 ? index::kDefaultPageSize : request.page_size();
  switch (request.order_by()) {
    case v1::NEWEST:
      p.order = index::SortOrder::kNewest;
      break;
    case v1::RELEVANCE_RECENCY:
      p.order = index::SortOrder::kRelevanceRecency;
      break;
    default:
      p.order = index::SortOrder::kRelevance;
  }
  if (request.has_recency_half_life()) {
    absl::StatusOr<absl::Duration> h = ToDuration(request.recency_half_life(), "recency_half_life");
    if (!h.ok()) return h.status();
    if (*h < absl::Seconds(1) || *h > absl::Hours(24 * 365 * 100)) {
      return absl::InvalidArgumentError(
          "recency_half_life must be between 1 second and 100 years (unset means 7 days)");
    }
    p.recency_half_life = *h;
  }
  p.explain = request.explain();
  for (int i = 0; i < request.facets_size(); ++i) {
    if (!index::IsFacetField(request.facets(i))) {
      return absl::InvalidArgumentError(
          absl::StrCat("facets[", i, "] is \"", request.facets(i),
                       "\", which is not a facet field; use \"topic\" or \"source\""));
    }
    p.facets.push_back(request.facets(i));
  }
  p.include_body = request.include_body();
  p.deadline = deadline;
  if (!request.page_token().empty()) {
    absl::StatusOr<PagePosition> position =
        tokens.Decode(request.page_token(), SearchFingerprint(p), now);
    if (!position.ok()) return position.status();
    p.offset = position->offset;
    // A token from pages served in first-stage order (before the semantic
    // model existed) keeps that order.
    p.first_stage_order = position->first_stage_order;
  }
  return p;
}

void ToSearchResponse(index::SearchResults results, const index::SearchParams& params,
                      const PageTokenCodec& tokens, absl::Time now, v1::SearchResponse* response) {
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
                                                 .first_stage_order = results.first_stage_order},
                                                now));
  }
  response->set_total_size(results.total_estimate);
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
}

void ToIndexStatsProto(const index::IndexStatsData& stats, v1::IndexStats* out) {
  out->set_article_count(stats.article_count);
  out->set_revision(stats.revision);
  out->set_disk_bytes(stats.disk_bytes);
  out->set_semantic_articles(stats.semantic_articles);
  if (stats.last_commit_time) {
    const int64_t ms = absl::ToUnixMillis(*stats.last_commit_time);
    out->mutable_last_commit_time()->set_seconds(ms / 1000);
    out->mutable_last_commit_time()->set_nanos(static_cast<int32_t>(ms % 1000) * 1000000);
  }
}

namespace {

constexpr size_t kMaxSimilarTextBytes = 1 << 20;
constexpr int kMaxHistory = 500;

absl::Status CheckPageSize(int page_size) {
  if (page_size < 0 || page_size > index::kMaxPageSize) {
    return absl::InvalidArgumentError(absl::StrCat("page_size must be between 0 and ",
                                                   index::kMaxPageSize, " (0 means ",
                                                   index::kDefaultPageSize, "); got ", page_size));
  }
  return absl::OkStatus();
}

index::FilterParams ToFilterParams(const v1::Filter& f) {
  index::FilterParams out;
  out.topics.assign(f.topics().begin(), f.topics().end());
  out.sources.assign(f.sources().begin(), f.sources().end());
  if (f.has_published_after()) out.published_after = ToAbslTime(f.published_after());
  if (f.has_published_before()) out.published_before = ToAbslTime(f.published_before());
  return out;
}

}  // namespace

absl::StatusOr<index::SimilarParams> ToSimilarParams(const v1::SimilarStoriesRequest& request,
                                                     absl::Time deadline) {
  index::SimilarParams p;
  switch (request.seed_case()) {
    case v1::SimilarStoriesRequest::kArticleId:
      if (absl::Status s = ValidateId(request.article_id(), "article_id"); !s.ok()) return s;
      p.article_id = request.article_id();
      break;
    case v1::SimilarStoriesRequest::kText:
      if (request.text().find_first_not_of(" \t\r\n") == std::string::npos) {
        return absl::InvalidArgumentError("text is empty; give some text to find stories like it");
      }
      if (request.text().size() > kMaxSimilarTextBytes) {
        return absl::InvalidArgumentError(absl::StrCat("text is ", request.text().size(),
                                                       " bytes; at most 1 MiB (",
                                                       kMaxSimilarTextBytes, " bytes) is allowed"));
      }
      p.text = request.text();
      break;
    default:
      return absl::InvalidArgumentError(
          "set exactly one of article_id or text to say what the stories should be like");
  }
  if (absl::Status s = CheckPageSize(request.page_size()); !s.ok()) return s;
  p.page_size = request.page_size() == 0 ? index::kDefaultPageSize : request.page_size();
  if (absl::Status s = ValidateFilter(request.filter()); !s.ok()) return s;
  p.filter = ToFilterParams(request.filter());
  if (request.has_published_after() || request.has_published_before()) {
    if (p.article_id.empty()) {
      return absl::InvalidArgumentError(
          "published_after/published_before are relative to the seed article, so they need "
          "article_id, not text; use filter.published_after/before for absolute dates");
    }
    if (request.has_published_after()) {
      auto d = ToDuration(request.published_after(), "published_after");
      if (!d.ok()) return d.status();
      p.after_seed = *d;
    }
    if (request.has_published_before()) {
      auto d = ToDuration(request.published_before(), "published_before");
      if (!d.ok()) return d.status();
      p.before_seed = *d;
    }
    if (p.after_seed && p.before_seed && *p.after_seed > *p.before_seed) {
      return absl::InvalidArgumentError(
          "published_after is later than published_before; the window is empty");
    }
  }
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
  if (request.history_size() == 0) {
    return absl::InvalidArgumentError("history is empty; list the ids of articles the user read");
  }
  if (request.history_size() > kMaxHistory) {
    return absl::InvalidArgumentError(absl::StrCat("history has ", request.history_size(),
                                                   " items; at most ", kMaxHistory,
                                                   " (newest first) are allowed"));
  }
  index::RecommendParams p;
  for (int i = 0; i < request.history_size(); ++i) {
    const v1::HistoryItem& item = request.history(i);
    if (absl::Status s = ValidateId(item.article_id(), absl::StrCat("history[", i, "].article_id"));
        !s.ok()) {
      return s;
    }
    index::HistoryEntry e;
    e.article_id = item.article_id();
    if (item.has_read_time()) {
      if (absl::Status s =
              CheckTimestamp(item.read_time(), absl::StrCat("history[", i, "].read_time"));
          !s.ok()) {
        return s;
      }
      e.read_time = ToAbslTime(item.read_time());
    }
    p.history.push_back(std::move(e));
  }
  if (absl::Status s = CheckPageSize(request.page_size()); !s.ok()) return s;
  p.page_size = request.page_size() == 0 ? index::kDefaultPageSize : request.page_size();
  if (absl::Status s = ValidateFilter(request.filter()); !s.ok()) return s;
  p.filter = ToFilterParams(request.filter());
  if (request.has_freshness_half_life()) {
    auto d = ToDuration(request.freshness_half_life(), "freshness_half_life");
    if (!d.ok()) return d.status();
    if (*d < absl::ZeroDuration()) {
      return absl::InvalidArgumentError(
          "freshness_half_life is negative; use 0 for no recency decay or a positive duration");
    }
    p.half_life = *d;
  }
  if (!(request.diversity() >= 0.0 && request.diversity() <= 1.0)) {
    return absl::InvalidArgumentError(
        absl::StrCat("diversity must be between 0 (pure relevance) and 1 (maximal spread); got ",
                     request.diversity()));
  }
  p.diversity = request.diversity();
  p.as_of = now;
  if (request.has_as_of()) {
    if (absl::Status s = CheckTimestamp(request.as_of(), "as_of"); !s.ok()) return s;
    p.as_of = ToAbslTime(request.as_of());
  }
  p.deadline = deadline;
  return p;
}

absl::StatusOr<index::ClusterParams> ToClusterParams(const v1::TopicClustersRequest& request,
                                                     absl::Time deadline) {
  index::ClusterParams p;
  if (request.query().size() > index::kMaxQueryBytes) {
    return absl::InvalidArgumentError(absl::StrCat("query is ", request.query().size(),
                                                   " bytes; the limit is ", index::kMaxQueryBytes));
  }
  p.query = request.query();
  if (request.max_documents() < 0 || request.max_documents() > index::kMaxClusterDocuments) {
    return absl::InvalidArgumentError(
        absl::StrCat("max_documents must be between 1 and ", index::kMaxClusterDocuments,
                     " (0 means the default, ", index::kDefaultClusterDocuments, "); got ",
                     request.max_documents()));
  }
  p.max_documents =
      request.max_documents() == 0 ? index::kDefaultClusterDocuments : request.max_documents();
  if (request.cluster_count() < 0 || request.cluster_count() > index::kMaxClusterCount) {
    return absl::InvalidArgumentError(
        absl::StrCat("cluster_count must be between 1 and ", index::kMaxClusterCount,
                     " (0 chooses automatically); got ", request.cluster_count()));
  }
  p.cluster_count = request.cluster_count();
  if (request.stories_per_cluster() < 0 ||
      request.stories_per_cluster() > index::kMaxStoriesPerCluster) {
    return absl::InvalidArgumentError(
        absl::StrCat("stories_per_cluster must be between 1 and ", index::kMaxStoriesPerCluster,
                     " (0 means the default, ", index::kDefaultStoriesPerCluster, "); got ",
                     request.stories_per_cluster()));
  }
  p.stories_per_cluster = request.stories_per_cluster() == 0 ? index::kDefaultStoriesPerCluster
                                                             : request.stories_per_cluster();
  if (absl::Status s = ValidateFilter(request.filter()); !s.ok()) return s;
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
