#include "server/proto_convert.h"

#include <google/protobuf/util/time_util.h>

#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "index/schema.h"

namespace storyline::server {
namespace {

using google::protobuf::Timestamp;
using google::protobuf::util::TimeUtil;

constexpr int kMaxFilterValues = 100;
constexpr int kMaxFacets = 8;

absl::Status CheckTimestamp(const Timestamp& t, absl::string_view field) {
  if (t.seconds() < TimeUtil::kTimestampMinSeconds ||
      t.seconds() > TimeUtil::kTimestampMaxSeconds || t.nanos() < 0 ||
      t.nanos() > 999999999) {
    return absl::InvalidArgumentError(absl::StrCat(
        field, " is not a valid timestamp; use a time between years 1 and 9999"));
  }
  return absl::OkStatus();
}

absl::Time ToAbslTime(const Timestamp& t) {
  return absl::FromUnixSeconds(t.seconds()) + absl::Nanoseconds(t.nanos());
}

absl::Status CheckValues(const google::protobuf::RepeatedPtrField<std::string>& values,
                         absl::string_view field) {
  if (values.size() > kMaxFilterValues) {
    return absl::InvalidArgumentError(absl::StrCat(field, " has ", values.size(),
                                                   " values; at most ", kMaxFilterValues));
  }
  for (int i = 0; i < values.size(); ++i) {
    if (values[i].empty() || values[i].size() > index::kMaxFieldBytes) {
      return absl::InvalidArgumentError(absl::StrCat(
          field, "[", i, "] must be 1 to ", index::kMaxFieldBytes, " bytes"));
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
    return absl::InvalidArgumentError(absl::StrCat(field, " is ", id.size(),
                                                   " bytes; ids are at most ",
                                                   index::kMaxIdBytes, " bytes"));
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
        ") is later than filter.published_before (",
        TimeUtil::ToString(filter.published_before()), "); swap them or widen the window"));
  }
  return absl::OkStatus();
}

absl::StatusOr<index::SearchParams> ToSearchParams(const v1::SearchRequest& request,
                                                   const index::PageTokenCodec& tokens,
                                                   absl::Time now, absl::Time deadline) {
  if (request.query().size() > index::kMaxQueryBytes) {
    return absl::InvalidArgumentError(absl::StrCat(
        "query is ", request.query().size(), " bytes; the limit is ", index::kMaxQueryBytes,
        " bytes, so shorten it"));
  }
  if (request.page_size() < 0 || request.page_size() > index::kMaxPageSize) {
    return absl::InvalidArgumentError(absl::StrCat(
        "page_size must be between 0 and ", index::kMaxPageSize, " (0 means ",
        index::kDefaultPageSize, "); got ", request.page_size()));
  }
  if (!v1::OrderBy_IsValid(request.order_by())) {
    return absl::InvalidArgumentError(absl::StrCat(
        "order_by ", request.order_by(), " is not a known value; use RELEVANCE or NEWEST"));
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
  p.order = request.order_by() == v1::NEWEST ? index::SortOrder::kNewest
                                             : index::SortOrder::kRelevance;
  for (int i = 0; i < request.facets_size(); ++i) {
    if (!index::IsFacetField(request.facets(i))) {
      return absl::InvalidArgumentError(absl::StrCat(
          "facets[", i, "] is \"", request.facets(i),
          "\", which is not a facet field; use \"topic\" or \"source\""));
    }
    p.facets.push_back(request.facets(i));
  }
  p.include_body = request.include_body();
  p.deadline = deadline;
  if (!request.page_token().empty()) {
    absl::StatusOr<int64_t> offset =
        tokens.Decode(request.page_token(), index::SearchFingerprint(p), now);
    if (!offset.ok()) return offset.status();
    p.offset = *offset;
  }
  return p;
}

void ToSearchResponse(index::SearchResults results, const index::SearchParams& params,
                      const index::PageTokenCodec& tokens, absl::Time now,
                      v1::SearchResponse* response) {
  response->mutable_results()->Reserve(static_cast<int>(results.hits.size()));
  for (index::SearchHit& hit : results.hits) {
    v1::SearchResult* r = response->add_results();
    *r->mutable_article() = std::move(hit.article);
    r->set_score(hit.score);
    *r->mutable_snippet() = std::move(hit.snippet);
  }
  if (results.has_more) {
    response->set_next_page_token(tokens.Encode(index::SearchFingerprint(params),
                                                params.offset + params.page_size, now));
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
  if (stats.last_commit_time) {
    const int64_t ms = absl::ToUnixMillis(*stats.last_commit_time);
    out->mutable_last_commit_time()->set_seconds(ms / 1000);
    out->mutable_last_commit_time()->set_nanos(static_cast<int32_t>(ms % 1000) * 1000000);
  }
}

}  // namespace storyline::server
